import type { ClusterMode, MetricResult } from "@mlxbench/proto";
import type { BaselineDelta } from "../load-baseline.js";

export interface ModeMeasurement {
  mode: ClusterMode;
  apiUrl: string;
  devices: string[];
  /** Devices the cluster reported; null when it has no status endpoint. */
  deviceCount: number | null;
  concurrency: number;
  /** One value per repetition. */
  outputTokensPerS: number[];
  requestsPerS: number[];
  /** End-to-end latency of sequential requests, one per request. */
  e2eMs: number[];
  successRate: number;
  clusterMemoryMb: number | null;
  memoryPerDeviceMb: number | null;
  costPerHour: number | null;
  /** Output tokens per unit of currency at the measured throughput. */
  tokensPerCurrency: number | null;
  warnings: string[];
}

export interface ComparisonFigures {
  throughputImprovement: number | null;
  /** Distributed e2e median / single-device e2e median (> 1: distributed is slower per request). */
  latencyFactor: number | null;
  /** Throughput improvement / device count, percent. */
  scalingEfficiencyPct: number | null;
  /** Distributed tokens per currency / single-device tokens per currency. */
  costEffectiveness: number | null;
}

export interface CompareResult {
  component: "performance";
  startedAt: string;
  finishedAt: string;
  distributed: ModeMeasurement | null;
  singleDevice: ModeMeasurement | null;
  /** Why there is no single-device measurement, when there is none. */
  baselineNote: string | null;
  figures: ComparisonFigures;
  previousRun: {
    dir: string;
    path: string;
    deltas: BaselineDelta[];
    comparable: boolean;
    note: string;
  } | null;
  metrics: MetricResult[];
  warnings: string[];
  errors: string[];
  currency: string;
}

export const NO_BASELINE =
  "no baseline measured: no single-device target was given (--single-device-api-url or cluster.single-device in the config), so no improvement or scaling figure is reported";
