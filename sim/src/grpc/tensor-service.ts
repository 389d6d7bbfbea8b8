import * as grpc from "@grpc/grpc-js";
import {
  decodeServiceTensor,
  encodeServiceTensor,
  type ClusterStatusRequest,
  type ClusterStatusResponse,
  type ForwardPassRequest,
  type ForwardPassResponse,
  type GetTensorRequest,
  type GetTensorResponse,
  type HealthRequest,
  type HealthResponse,
  type SendTensorRequest,
  type SendTensorResponse,
  type ServiceTensorData,
  type TensorServiceHandlers,
} from "@mlxbench/proto";
import { isDeviceUp, type ClusterState, type SimDevice } from "../cluster-state.js";
import { countTokens, createForwardNoise, modelForwardMs } from "./inference-service.js";
import { RpcError, serveUnary, sleepFor, waitFor } from "./rpc-support.js";

/** GetTensor never waits longer than this, whatever `timeout` asks. */
const MAX_GET_TENSOR_WAIT_S = 300;

/** One device's tensors, as sent; GetTensor waiters wake on every store. */
export class TensorStore {
  private readonly tensors = new Map<string, ServiceTensorData>();
  private readonly listeners = new Set<() => void>();

  put(tensor: ServiceTensorData): void {
    this.tensors.set(tensor.tensor_id, tensor);
    for (const wake of [...this.listeners]) wake();
  }

  get(id: string): ServiceTensorData | undefined {
    return this.tensors.get(id);
  }

  subscribe(wake: () => void): () => void {
    this.listeners.add(wake);
    return () => this.listeners.delete(wake);
  }
}

/** tensor_service.TensorService as one device of the sim answers it. */
export function createTensorServiceHandlers(
  state: ClusterState,
  device: SimDevice,
): TensorServiceHandlers {
  const store = new TensorStore();
  const noise = createForwardNoise(state, device, "forward-pass");

  return {
    SendTensor: serveUnary<SendTensorRequest, SendTensorResponse>(state, device, (req) => {
      const tensor = req.tensor;
      if (!tensor)
        throw new RpcError(grpc.status.INVALID_ARGUMENT, "SendTensorRequest.tensor is missing");
      if (tensor.tensor_id === "")
        throw new RpcError(grpc.status.INVALID_ARGUMENT, "TensorData.tensor_id is empty");
      decodeServiceTensor(tensor); // shape × dtype must match the bytes before anything is stored
      store.put(tensor);
      return {
        success: true,
        message: `stored tensor ${tensor.tensor_id} (${tensor.data.length} bytes) on ${device.deviceId}`,
      };
    }),

    GetTensor: serveUnary<GetTensorRequest, GetTensorResponse>(
      state,
      device,
      async (req, signal) => {
        if (req.tensor_id === "")
          throw new RpcError(grpc.status.INVALID_ARGUMENT, "GetTensorRequest.tensor_id is empty");
        if (!Number.isFinite(req.timeout) || req.timeout < 0) {
          throw new RpcError(
            grpc.status.INVALID_ARGUMENT,
            `GetTensorRequest.timeout must be ≥ 0 seconds, got ${req.timeout}`,
          );
        }
        const waitS = Math.min(req.timeout, MAX_GET_TENSOR_WAIT_S);
        const tensor = await waitFor(
          (wake) => store.subscribe(wake),
          () => store.get(req.tensor_id),
          signal,
          waitS > 0 ? waitS * 1000 : 0,
        );
        return tensor
          ? { success: true, message: `tensor ${req.tensor_id} from ${device.deviceId}`, tensor }
          : {
              success: false,
              message: `tensor ${req.tensor_id} not found on ${device.deviceId} within ${waitS} s`,
            };
      },
    ),

    HealthCheck: serveUnary<HealthRequest, HealthResponse>(state, device, () => ({
      healthy: true,
      device_id: device.deviceId,
      timestamp: state.clock.now() / 1000,
      status_message: `${device.deviceId} (rank ${device.rank}, ${device.role}) serving layers ${device.layers.start}-${device.layers.end - 1}`,
    })),

    ForwardPass: serveUnary<ForwardPassRequest, ForwardPassResponse>(
      state,
      device,
      async (req, signal) => {
        const input = req.input_tensor;
        if (!input)
          throw new RpcError(
            grpc.status.INVALID_ARGUMENT,
            "ForwardPassRequest.input_tensor is missing",
          );
        let { layer_start: start, layer_end: end } = req;
        if (start === 0 && end === 0) ({ start, end } = device.layers);
        if (start < 0 || end < start || end > state.timing.numLayers) {
          throw new RpcError(
            grpc.status.INVALID_ARGUMENT,
            `layers [${start}, ${end}) are outside the model's 0…${state.timing.numLayers}`,
          );
        }
        const host = decodeServiceTensor(input);
        const ms = modelForwardMs(state, countTokens(host.shape), end - start, noise);
        await sleepFor(state, ms, signal);
        device.forwardCalls += 1;
        device.forwardMsTotal += ms;
        const next = state.devices[(device.rank + 1) % state.devices.length];
        return {
          success: true,
          message: `layers ${start}-${end - 1} on ${device.deviceId} in ${ms.toFixed(3)} ms`,
          output_tensor: encodeServiceTensor(host, {
            tensorId: req.pass_id || `${input.tensor_id}:out`,
            compression: input.compression === "gzip" ? "gzip" : "none",
            deviceSource: device.deviceId,
            deviceTarget: next?.deviceId ?? "",
            timestamp: state.clock.now() / 1000,
          }),
        };
      },
    ),

    GetClusterStatus: serveUnary<ClusterStatusRequest, ClusterStatusResponse>(
      state,
      device,
      () => ({
        devices: state.devices.map((d) => ({
          device_id: d.deviceId,
          hostname: d.host,
          port: d.port,
          role: d.role,
          layers: Array.from(
            { length: d.layers.end - d.layers.start },
            (_, i) => d.layers.start + i,
          ),
          status: isDeviceUp(state, d.rank) ? "healthy" : "unreachable",
        })),
        coordinator: state.devices[0]?.deviceId ?? "",
      }),
    ),
  };
}
