import * as grpc from "@grpc/grpc-js";
import {
  decodeTensor,
  DTYPES,
  encodeTensor,
  type DistributedInferenceHandlers,
  type ForwardRequest,
  type ForwardResponse,
  type GetCapabilitiesRequest,
  type GetCapabilitiesResponse,
  type HealthCheckRequest,
  type HealthCheckResponse,
  type InitializeShardRequest,
  type InitializeShardResponse,
  type ShutdownRequest,
  type ShutdownResponse,
  type Tensor,
} from "@mlxbench/proto";
import type { ClusterState, SimDevice } from "../cluster-state.js";
import { MODEL_SIZE_GB } from "../devices.js";
import { createRandom, drawLogNormalFactor, hashSeed } from "../engine/random.js";
import { forwardShardMs } from "../engine/timing-model.js";
import { RpcError, serveUnary, sleepFor } from "./rpc-support.js";

/** Tokens in an activation tensor [batch, seq, hidden] (or any shape): every dim but the last. */
export function countTokens(shape: readonly number[]): number {
  return shape.length < 2 ? 1 : shape.slice(0, -1).reduce((a, b) => a * b, 1);
}

/** Modelled time of this device's shard over `tokens` tokens, with noise and slowdown. */
export function modelForwardMs(
  state: ClusterState,
  tokens: number,
  layers: number,
  noise: () => number,
): number {
  return forwardShardMs(state.timing, tokens, layers) * noise() * state.faults.slowdown;
}

export function createForwardNoise(
  state: ClusterState,
  device: SimDevice,
  purpose: string,
): () => number {
  const random = createRandom(hashSeed(state.seed, purpose, device.rank));
  return () => drawLogNormalFactor(random, state.noiseCv);
}

function shardBytes(state: ClusterState, layers: number): number {
  return Math.round((MODEL_SIZE_GB * 1e9 * layers) / state.timing.numLayers);
}

/** mlx_distributed.DistributedInference as one device of the sim answers it. */
export function createInferenceHandlers(
  state: ClusterState,
  device: SimDevice,
): DistributedInferenceHandlers {
  const noise = createForwardNoise(state, device, "forward");

  return {
    InitializeShard: serveUnary<InitializeShardRequest, InitializeShardResponse>(
      state,
      device,
      async (req, signal) => {
        const info = req.shard_info;
        if (info) {
          const { start_layer: start, end_layer: end } = info;
          if (start < 0 || end < start || end > state.timing.numLayers) {
            throw new RpcError(
              grpc.status.INVALID_ARGUMENT,
              `shard_info: layers [${start}, ${end}) are outside the model's 0…${state.timing.numLayers}`,
            );
          }
          if (end > start) device.layers = { start, end };
        }
        const layers = device.layers.end - device.layers.start;
        const bytes =
          info && info.shard_size_bytes > 0 ? info.shard_size_bytes : shardBytes(state, layers);
        // weights read from local SSD at about 2 GB/s, plus a fixed setup cost
        const loadMs = (50 + bytes / 2e6) * state.timing.timeScale * state.faults.slowdown;
        await sleepFor(state, loadMs, signal);
        const model = req.model_name || state.modelName;
        return {
          success: true,
          message: `loaded layers ${device.layers.start}-${device.layers.end - 1} of ${model} on ${device.deviceId}`,
          load_time_ms: Math.round(loadMs),
          model_size_bytes: bytes,
        };
      },
    ),

    Forward: serveUnary<ForwardRequest, ForwardResponse>(state, device, async (req, signal) => {
      if (!req.input_tensor)
        throw new RpcError(grpc.status.INVALID_ARGUMENT, "ForwardRequest.input_tensor is missing");
      const input = decodeTensor(req.input_tensor);
      // a malformed cache entry is as bad as a malformed input
      for (const t of Object.values(req.cache)) decodeTensor(t);
      const ms = modelForwardMs(
        state,
        countTokens(input.shape),
        device.layers.end - device.layers.start,
        noise,
      );
      await sleepFor(state, ms, signal);
      device.forwardCalls += 1;
      device.forwardMsTotal += ms;
      // the sim's layers are the identity on the residual stream: the output is the input's values
      const output: Tensor = encodeTensor(input, req.input_tensor.metadata);
      return {
        request_id: req.request_id,
        output_tensor: output,
        cache: req.return_cache ? req.cache : {},
        inference_time_ms: Math.round(ms),
        metadata: {
          device_id: device.deviceId,
          rank: String(device.rank),
          layers: `${device.layers.start}-${device.layers.end - 1}`,
          inference_time_ms_exact: ms.toFixed(3),
        },
      };
    }),

    HealthCheck: serveUnary<HealthCheckRequest, HealthCheckResponse>(state, device, (req) => {
      const uptimeMs = state.clock.now() - state.startedAt;
      const layers = device.layers.end - device.layers.start;
      const memoryGb = 6 + (MODEL_SIZE_GB * layers) / state.timing.numLayers;
      const busy = uptimeMs > 0 ? Math.min(1, state.engine.stats.busyMs / uptimeMs) : 0;
      return {
        healthy: true,
        status: "healthy",
        uptime_seconds: Math.floor(uptimeMs / 1000),
        gpu_utilization: Math.round(busy * 1000) / 10,
        memory_utilization: Math.round((memoryGb / device.hardware.memory_gb) * 1000) / 10,
        requests_processed: device.requestsProcessed,
        stats: req.include_stats
          ? {
              device_id: device.deviceId,
              rank: String(device.rank),
              role: device.role,
              model_name: state.modelName,
              layers: `${device.layers.start}-${device.layers.end - 1}`,
              forward_calls: String(device.forwardCalls),
              avg_forward_ms: device.forwardCalls
                ? (device.forwardMsTotal / device.forwardCalls).toFixed(3)
                : "0",
              tokens_generated: String(state.engine.stats.tokensGenerated),
            }
          : {},
      };
    }),

    GetCapabilities: serveUnary<GetCapabilitiesRequest, GetCapabilitiesResponse>(
      state,
      device,
      () => {
        const hw = device.hardware;
        return {
          capabilities: {
            device_id: device.deviceId,
            device_model: hw.model,
            memory_bytes: hw.memory_gb * 1024 ** 3,
            gpu_cores: hw.gpu_cores,
            cpu_cores: hw.cpu_cores,
            bandwidth_gbps: hw.bandwidth_gbps,
            extra: {
              chip: hw.chip,
              cpu_performance_cores: String(hw.cpu_performance_cores),
              cpu_efficiency_cores: String(hw.cpu_efficiency_cores),
              neural_engine_cores: String(hw.neural_engine_cores),
              unified_memory: "true",
              mlx_metal_available: "true",
              mlx_default_device: "Device(gpu, 0)",
            },
          },
          supported_models: [state.modelName],
          supported_dtypes: [...DTYPES],
        };
      },
    ),

    Shutdown: serveUnary<ShutdownRequest, ShutdownResponse>(state, device, (req) => {
      const graceMs = Math.max(0, Math.min(req.grace_period_seconds, 60)) * 1000;
      // answer first, then go down: the caller gets its reply, later calls get UNAVAILABLE
      const timer = setTimeout(() => {
        device.shutDown = true;
      }, graceMs);
      timer.unref();
      state.stopSignal.addEventListener("abort", () => clearTimeout(timer), { once: true });
      return {
        success: true,
        message: `${device.deviceId} shutting down${req.force ? " (forced)" : ""} in ${graceMs / 1000} s`,
      };
    }),
  };
}
