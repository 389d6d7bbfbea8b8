import { isDeviceUp, type ClusterState, type SimDevice } from "../cluster-state.js";
import { MODEL_SIZE_GB } from "../devices.js";

// Bodies of the contract's GET endpoints, built from the shared state. Times in seconds and epoch
// seconds where the original (a Python app) reports them so.

function coordinator(state: ClusterState): SimDevice {
  const device = state.devices[0];
  if (!device) throw new Error("a cluster has at least one device");
  return device;
}

function isClusterHealthy(state: ClusterState): boolean {
  return state.devices.every((d) => isDeviceUp(state, d.rank));
}

export function describeRoot(state: ClusterState): object {
  const c = coordinator(state);
  return {
    message: "MLX Distributed Inference API",
    status: "running",
    device_id: c.deviceId,
    role: c.role,
  };
}

/** Unhealthy when any device is down: the pipeline cannot serve without every shard. */
export function describeHealth(state: ClusterState): object {
  const c = coordinator(state);
  return {
    status: isClusterHealthy(state) ? "healthy" : "unhealthy",
    model_loaded: !state.faults.initializing,
    model_name: state.modelName,
    device_id: c.deviceId,
    role: c.role,
    timestamp: new Date(state.clock.now()).toISOString(),
  };
}

function shardMemoryGb(state: ClusterState, device: SimDevice): number {
  const layers = device.layers.end - device.layers.start;
  return round((MODEL_SIZE_GB * layers) / state.timing.numLayers, 3);
}

function describeGpuDevice(state: ClusterState, device: SimDevice): object {
  const up = isDeviceUp(state, device.rank);
  const usedGb = 6 + shardMemoryGb(state, device);
  const testSize = 4096;
  const gflops = device.hardware.throughput_gflops;
  return {
    device_id: device.deviceId,
    rank: device.rank,
    role: device.role,
    hostname: device.host,
    mlx_default_device: "Device(gpu, 0)",
    performance_test: up
      ? {
          computation_time: round((2 * testSize ** 3) / (gflops * 1e9), 6),
          test_size: testSize,
          status: "success",
          throughput_gflops: gflops,
        }
      : {
          computation_time: 0,
          test_size: testSize,
          status: "failed: device unreachable",
          throughput_gflops: 0,
        },
    system_memory: {
      total_gb: device.hardware.memory_gb,
      available_gb: round(device.hardware.memory_gb - usedGb, 2),
      used_percent: round((usedGb / device.hardware.memory_gb) * 100, 1),
    },
    hardware: {
      model: device.hardware.model,
      memory_gb: device.hardware.memory_gb,
      gpu_cores: device.hardware.gpu_cores,
      cpu_cores: device.hardware.cpu_cores,
      cpu_performance_cores: device.hardware.cpu_performance_cores,
      cpu_efficiency_cores: device.hardware.cpu_efficiency_cores,
      neural_engine_cores: device.hardware.neural_engine_cores,
      bandwidth_gbps: device.hardware.bandwidth_gbps,
      mlx_metal_available: true,
      max_recommended_model_size_gb: round(device.hardware.memory_gb * 0.75, 1),
    },
  };
}

export function describeGpuInfo(state: ClusterState): object {
  const healthy = state.devices.filter((d) => isDeviceUp(state, d.rank));
  const sum = (pick: (d: SimDevice) => number): number =>
    state.devices.reduce((s, d) => s + pick(d), 0);
  return {
    cluster_info: {
      total_devices: state.devices.length,
      healthy_devices: healthy.length,
      world_size: state.devices.length,
      gRPC_communication:
        state.devices.length > 1 && healthy.length === state.devices.length ? "Active" : "Inactive",
      aggregate_hardware: {
        total_gpu_cores: sum((d) => d.hardware.gpu_cores),
        total_cpu_cores: sum((d) => d.hardware.cpu_cores),
        total_memory_gb: sum((d) => d.hardware.memory_gb),
        total_neural_engine_cores: sum((d) => d.hardware.neural_engine_cores),
        device_models: state.devices.map((d) => d.hardware.model),
      },
    },
    devices: state.devices.map((d) => describeGpuDevice(state, d)),
  };
}

function describeStatusDevice(state: ClusterState, device: SimDevice): object {
  const up = isDeviceUp(state, device.rank);
  const now = state.clock.now();
  return {
    device_id: device.deviceId,
    hostname: device.host,
    port: device.port,
    role: device.role,
    rank: device.rank,
    status: up ? "healthy" : "unreachable",
    // the coordinator hears from a live worker about every 5 s; a dead one stopped at start
    last_heartbeat: round(
      (up ? now - ((now - state.startedAt) % 5000) : state.startedAt) / 1000,
      3,
    ),
    response_time: up
      ? round((state.timing.hopLatencyMs * state.timing.timeScale) / 1000, 6)
      : null,
    error: up
      ? null
      : `device ${device.deviceId} (rank ${device.rank}) is unreachable at ${device.host}:${device.port}`,
  };
}

export function describeStatus(state: ClusterState): object {
  const c = coordinator(state);
  const { stats, timing } = state;
  const n = state.devices.length;
  const estimatedGb = round(MODEL_SIZE_GB, 3);
  const actualGb = shardMemoryGb(state, c);
  return {
    status: state.faults.initializing ? "initializing" : "operational",
    role: c.role,
    device_id: c.deviceId,
    rank: c.rank,
    world_size: n,
    model_loaded: !state.faults.initializing,
    model_name: state.modelName,
    devices: state.devices.map((d) => describeStatusDevice(state, d)),
    performance_stats: {
      device_rank: c.rank,
      device_id: c.deviceId,
      avg_inference_time: stats.completions
        ? round(stats.inferenceMsTotal / stats.completions / 1000, 6)
        : 0,
      avg_communication_time: stats.completions
        ? round(stats.communicationMsTotal / stats.completions / 1000, 6)
        : 0,
      total_inferences: stats.completions,
      assigned_layers: Array.from(
        { length: c.layers.end - c.layers.start },
        (_, i) => c.layers.start + i,
      ),
      num_layers: timing.numLayers,
      actual_memory_usage_gb: actualGb,
      estimated_memory_usage_gb: estimatedGb,
      memory_saved_gb: round(estimatedGb - actualGb, 3),
      memory_utilization_percent: round((actualGb / c.hardware.memory_gb) * 100, 2),
      has_embedding: c.layers.start === 0,
      has_lm_head: c.layers.end === timing.numLayers,
      sharding_strategy: "uniform",
    },
  };
}

export function describeModels(state: ClusterState): object {
  return {
    object: "list",
    data: [
      {
        id: state.modelName,
        object: "model",
        created: Math.floor(state.startedAt / 1000),
        owned_by: "mlx-community",
        permission: [],
        root: state.modelName,
        parent: null,
      },
    ],
  };
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
