import * as grpc from "@grpc/grpc-js";
import { CHANNEL_OPTIONS, loadServiceConstructor } from "./load-protos.js";
import type * as m from "./messages.js";

/** A typed unary method of a grpc-js client, in grpc-js's callback form. */
export interface UnaryMethod<Req, Res> {
  (request: m.Init<Req>, callback: grpc.requestCallback<Res>): grpc.ClientUnaryCall;
  (
    request: m.Init<Req>,
    metadata: grpc.Metadata,
    options: Partial<grpc.CallOptions>,
    callback: grpc.requestCallback<Res>,
  ): grpc.ClientUnaryCall;
}

/** A typed server-streaming method of a grpc-js client. */
export interface ServerStreamMethod<Req, Res> {
  (request: m.Init<Req>, options?: Partial<grpc.CallOptions>): grpc.ClientReadableStream<Res>;
  (
    request: m.Init<Req>,
    metadata: grpc.Metadata,
    options?: Partial<grpc.CallOptions>,
  ): grpc.ClientReadableStream<Res>;
}

/** Server handlers receive decoded messages and may answer with partial ones. */
export type UnaryHandler<Req, Res> = (
  call: grpc.ServerUnaryCall<Req, m.Init<Res>>,
  callback: grpc.sendUnaryData<m.Init<Res>>,
) => void;
export type ServerStreamHandler<Req, Res> = (
  call: grpc.ServerWritableStream<Req, m.Init<Res>>,
) => void;

// ---- mlx_distributed.DistributedInference ----

export interface DistributedInferenceClient extends grpc.Client {
  InitializeShard: UnaryMethod<m.InitializeShardRequest, m.InitializeShardResponse>;
  Forward: UnaryMethod<m.ForwardRequest, m.ForwardResponse>;
  HealthCheck: UnaryMethod<m.HealthCheckRequest, m.HealthCheckResponse>;
  GetCapabilities: UnaryMethod<m.GetCapabilitiesRequest, m.GetCapabilitiesResponse>;
  Shutdown: UnaryMethod<m.ShutdownRequest, m.ShutdownResponse>;
}

export interface DistributedInferenceHandlers extends grpc.UntypedServiceImplementation {
  InitializeShard: UnaryHandler<m.InitializeShardRequest, m.InitializeShardResponse>;
  Forward: UnaryHandler<m.ForwardRequest, m.ForwardResponse>;
  HealthCheck: UnaryHandler<m.HealthCheckRequest, m.HealthCheckResponse>;
  GetCapabilities: UnaryHandler<m.GetCapabilitiesRequest, m.GetCapabilitiesResponse>;
  Shutdown: UnaryHandler<m.ShutdownRequest, m.ShutdownResponse>;
}

// ---- mlx_distributed.comm.DistributedComm ----

export interface DistributedCommClient extends grpc.Client {
  Send: UnaryMethod<m.SendRequest, m.SendResponse>;
  Receive: ServerStreamMethod<m.ReceiveRequest, m.ReceiveResponse>;
  Broadcast: UnaryMethod<m.BroadcastRequest, m.BroadcastResponse>;
  AllReduce: UnaryMethod<m.AllReduceRequest, m.AllReduceResponse>;
  Barrier: UnaryMethod<m.BarrierRequest, m.BarrierResponse>;
}

export interface DistributedCommHandlers extends grpc.UntypedServiceImplementation {
  Send: UnaryHandler<m.SendRequest, m.SendResponse>;
  Receive: ServerStreamHandler<m.ReceiveRequest, m.ReceiveResponse>;
  Broadcast: UnaryHandler<m.BroadcastRequest, m.BroadcastResponse>;
  AllReduce: UnaryHandler<m.AllReduceRequest, m.AllReduceResponse>;
  Barrier: UnaryHandler<m.BarrierRequest, m.BarrierResponse>;
}

// ---- tensor_service.TensorService ----

export interface TensorServiceClient extends grpc.Client {
  SendTensor: UnaryMethod<m.SendTensorRequest, m.SendTensorResponse>;
  GetTensor: UnaryMethod<m.GetTensorRequest, m.GetTensorResponse>;
  HealthCheck: UnaryMethod<m.HealthRequest, m.HealthResponse>;
  ForwardPass: UnaryMethod<m.ForwardPassRequest, m.ForwardPassResponse>;
  GetClusterStatus: UnaryMethod<m.ClusterStatusRequest, m.ClusterStatusResponse>;
}

export interface TensorServiceHandlers extends grpc.UntypedServiceImplementation {
  SendTensor: UnaryHandler<m.SendTensorRequest, m.SendTensorResponse>;
  GetTensor: UnaryHandler<m.GetTensorRequest, m.GetTensorResponse>;
  HealthCheck: UnaryHandler<m.HealthRequest, m.HealthResponse>;
  ForwardPass: UnaryHandler<m.ForwardPassRequest, m.ForwardPassResponse>;
  GetClusterStatus: UnaryHandler<m.ClusterStatusRequest, m.ClusterStatusResponse>;
}

export const SERVICE_NAMES = {
  DistributedInference: "mlx_distributed.DistributedInference",
  DistributedComm: "mlx_distributed.comm.DistributedComm",
  TensorService: "tensor_service.TensorService",
} as const;

export function getDistributedInferenceService(): grpc.ServiceDefinition {
  return loadServiceConstructor(SERVICE_NAMES.DistributedInference).service;
}
export function getDistributedCommService(): grpc.ServiceDefinition {
  return loadServiceConstructor(SERVICE_NAMES.DistributedComm).service;
}
export function getTensorServiceService(): grpc.ServiceDefinition {
  return loadServiceConstructor(SERVICE_NAMES.TensorService).service;
}

export interface ClientOptions {
  credentials?: grpc.ChannelCredentials;
  channelOptions?: grpc.ChannelOptions;
}

function createClient(qualifiedName: string, address: string, opts: ClientOptions): grpc.Client {
  const Ctor = loadServiceConstructor(qualifiedName);
  return new Ctor(address, opts.credentials ?? grpc.credentials.createInsecure(), {
    ...CHANNEL_OPTIONS,
    ...opts.channelOptions,
  });
}

export function createDistributedInferenceClient(
  address: string,
  opts: ClientOptions = {},
): DistributedInferenceClient {
  return createClient(
    SERVICE_NAMES.DistributedInference,
    address,
    opts,
  ) as DistributedInferenceClient;
}
export function createDistributedCommClient(
  address: string,
  opts: ClientOptions = {},
): DistributedCommClient {
  return createClient(SERVICE_NAMES.DistributedComm, address, opts) as DistributedCommClient;
}
export function createTensorServiceClient(
  address: string,
  opts: ClientOptions = {},
): TensorServiceClient {
  return createClient(SERVICE_NAMES.TensorService, address, opts) as TensorServiceClient;
}

export interface CallOptions {
  /** Milliseconds until the call is abandoned with DEADLINE_EXCEEDED. */
  timeoutMs?: number;
  metadata?: grpc.Metadata;
  signal?: AbortSignal;
}

/**
 * Calls a unary method and resolves with its response. A failed call rejects with grpc-js's
 * ServiceError (code, details): a failed call is never turned into a value.
 */
export function callUnary<Req, Res>(
  client: grpc.Client,
  method: UnaryMethod<Req, Res>,
  request: m.Init<Req>,
  opts: CallOptions = {},
): Promise<Res> {
  return new Promise<Res>((resolve, reject) => {
    const callOptions: Partial<grpc.CallOptions> = {};
    if (opts.timeoutMs !== undefined) callOptions.deadline = Date.now() + opts.timeoutMs;
    const call = method.call(
      client,
      request,
      opts.metadata ?? new grpc.Metadata(),
      callOptions,
      (err: grpc.ServiceError | null, res?: Res) => {
        opts.signal?.removeEventListener("abort", onAbort);
        if (err) reject(err);
        else if (res === undefined)
          reject(new Error("gRPC call ended with neither error nor response"));
        else resolve(res);
      },
    );
    function onAbort(): void {
      call.cancel();
    }
    opts.signal?.addEventListener("abort", onAbort, { once: true });
  });
}
