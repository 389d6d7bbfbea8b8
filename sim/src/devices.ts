/** What an Apple Silicon machine of the sim reports about itself (gpu-info, GetCapabilities). */
export interface DeviceHardware {
  model: string;
  chip: string;
  memory_gb: number;
  gpu_cores: number;
  cpu_cores: number;
  cpu_performance_cores: number;
  cpu_efficiency_cores: number;
  neural_engine_cores: number;
  /** Unified memory bandwidth, GB/s. */
  bandwidth_gbps: number;
  /** What a small matmul test measures on this GPU. */
  throughput_gflops: number;
}

// Every device is the same machine: the timing model splits layers evenly, so the hardware report
// says what the model assumes.
export const MAC_MINI_M4_PRO: DeviceHardware = {
  model: "Mac mini (M4 Pro, 2024)",
  chip: "Apple M4 Pro",
  memory_gb: 64,
  gpu_cores: 20,
  cpu_cores: 14,
  cpu_performance_cores: 10,
  cpu_efficiency_cores: 4,
  neural_engine_cores: 16,
  bandwidth_gbps: 273,
  throughput_gflops: 8500,
};

const NAMES = ["mini1", "mini2", "master"];

/** Device ids of the default config (mini1 coordinator, mini2, master), then device-3, device-4, … */
export function nameDevice(rank: number): string {
  return NAMES[rank] ?? `device-${rank}`;
}

export const DEFAULT_MODEL = "mlx-community/Meta-Llama-3.1-8B-Instruct-4bit";
/** Weights of DEFAULT_MODEL in memory (8B parameters at 4 bits plus scales). */
export const MODEL_SIZE_GB = 4.5;
