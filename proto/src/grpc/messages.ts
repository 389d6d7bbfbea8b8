// TypeScript shapes of the cluster's messages as @grpc/proto-loader decodes them with the options
// of load-protos.ts (keepCase, longs as Number, defaults, oneofs). Field names are the contract's.
// A message received has every non-oneof field set; a message sent may omit any (see Init).

/** What a caller may send: every field optional, recursively (proto3 defaults fill the rest). */
export type Init<T> = T extends Buffer | Uint8Array
  ? T
  : T extends readonly (infer U)[]
    ? Init<U>[]
    : T extends object
      ? { [K in keyof T]?: Init<T[K]> | undefined }
      : T;

// ---- package mlx_distributed ----

export interface Tensor {
  shape: number[];
  dtype: string;
  data: Buffer;
  metadata: Record<string, string>;
}

export interface DeviceCapabilities {
  device_id: string;
  device_model: string;
  memory_bytes: number;
  gpu_cores: number;
  cpu_cores: number;
  bandwidth_gbps: number;
  extra: Record<string, string>;
}

export interface ShardInfo {
  device_id: string;
  start_layer: number;
  end_layer: number;
  layer_names: string[];
  shard_size_bytes: number;
  config: Record<string, string>;
}

export interface InitializeShardRequest {
  model_name: string;
  model_provider: string;
  shard_info: ShardInfo | null;
  model_config: Record<string, string>;
  load_from_cache: boolean;
  cache_path: string;
}

export interface InitializeShardResponse {
  success: boolean;
  message: string;
  load_time_ms: number;
  model_size_bytes: number;
}

export interface ForwardRequest {
  request_id: string;
  input_tensor: Tensor | null;
  cache: Record<string, Tensor>;
  metadata: Record<string, string>;
  return_cache: boolean;
}

export interface ForwardResponse {
  request_id: string;
  output_tensor: Tensor | null;
  cache: Record<string, Tensor>;
  inference_time_ms: number;
  metadata: Record<string, string>;
}

export interface HealthCheckRequest {
  include_stats: boolean;
}

export interface HealthCheckResponse {
  healthy: boolean;
  status: string;
  uptime_seconds: number;
  gpu_utilization: number;
  memory_utilization: number;
  requests_processed: number;
  stats: Record<string, string>;
}

export type GetCapabilitiesRequest = Record<string, never>;

export interface GetCapabilitiesResponse {
  capabilities: DeviceCapabilities | null;
  supported_models: string[];
  supported_dtypes: string[];
}

export interface ShutdownRequest {
  force: boolean;
  grace_period_seconds: number;
}

export interface ShutdownResponse {
  success: boolean;
  message: string;
}

// ---- package mlx_distributed.comm ----

export interface CommTensorData {
  data: Buffer;
  shape: number[];
  dtype: string;
}

export interface CommData {
  /** Which member of the `data` oneof is set (proto-loader's virtual oneof field). */
  data?: "pickle_data" | "tensor_data" | "numpy_data";
  pickle_data?: Buffer;
  tensor_data?: CommTensorData;
  numpy_data?: Buffer;
  comm_type: string;
  metadata: Record<string, string>;
}

export interface SendRequest {
  source_rank: number;
  dest_rank: number;
  data: CommData | null;
  tag: string;
}

export interface SendResponse {
  success: boolean;
  message: string;
}

export interface ReceiveRequest {
  receiver_rank: number;
  source_rank: number;
  tag: string;
  comm_type: string;
}

export interface ReceiveResponse {
  data: CommData | null;
  source_rank: number;
  tag: string;
}

export interface BroadcastRequest {
  root_rank: number;
  sender_rank: number;
  data: CommData | null;
}

export interface BroadcastResponse {
  success: boolean;
  data: CommData | null;
}

export type AllReduceOperation = "sum" | "mean" | "max" | "min";

export interface AllReduceRequest {
  rank: number;
  tensor: CommTensorData | null;
  operation: string;
}

export interface AllReduceResponse {
  success: boolean;
  result: CommTensorData | null;
}

export interface BarrierRequest {
  rank: number;
  barrier_id: string;
}

export interface BarrierResponse {
  success: boolean;
  participants: number;
}

// ---- package tensor_service ----

export interface ServiceTensorData {
  tensor_id: string;
  shape: number[];
  dtype: string;
  data: Buffer;
  compression: string;
  device_source: string;
  device_target: string;
  timestamp: number;
}

export interface SendTensorRequest {
  tensor: ServiceTensorData | null;
}

export interface SendTensorResponse {
  success: boolean;
  message: string;
}

export interface GetTensorRequest {
  tensor_id: string;
  timeout: number;
}

export interface GetTensorResponse {
  success: boolean;
  message: string;
  tensor: ServiceTensorData | null;
}

export interface HealthRequest {
  device_id: string;
}

export interface HealthResponse {
  healthy: boolean;
  device_id: string;
  timestamp: number;
  status_message: string;
}

export interface ForwardPassRequest {
  input_tensor: ServiceTensorData | null;
  layer_start: number;
  layer_end: number;
  pass_id: string;
}

export interface ForwardPassResponse {
  success: boolean;
  message: string;
  output_tensor: ServiceTensorData | null;
}

export interface DeviceInfo {
  device_id: string;
  hostname: string;
  port: number;
  role: string;
  layers: number[];
  status: string;
}

export interface ClusterStatusRequest {
  requesting_device: string;
}

export interface ClusterStatusResponse {
  devices: DeviceInfo[];
  coordinator: string;
}
