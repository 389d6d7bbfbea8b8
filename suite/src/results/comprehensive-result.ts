import type { MetricResult } from "@mlxbench/proto";
import type { LoadSummary } from "../load-summary.js";
import type { SerializationResult } from "../measure-serialization.js";
import type { LoadMetrics, ResourceSummary } from "../measure/index.js";
import type { ServerCalibration } from "../server-calibration.js";

/**
 * The full latency set of one load level, over every request of its repetitions: TTFT, ITL,
 * TPOT and E2E (count, mean, min, max, stddev, p50/p90/p95/p99, ms), output tokens/s and
 * requests/s over the summed measuring windows, goodput (null: no SLO configured), errors.
 */
export type LoadLatency = Omit<LoadMetrics, "streamingMeasurable">;

export interface ConcurrencyPoint {
  concurrency: number;
  /** One value per repetition. */
  outputTokensPerS: number[];
  requestsPerS: number[];
  successRate: number;
  ok: number;
  attempted: number;
  e2eP50Ms: number | null;
  maxInFlight: number;
  latency: LoadLatency;
  /** The client against the server's own timings at this load; null when it reports none. */
  serverCalibration: ServerCalibration | null;
}

export interface ComprehensiveResult {
  component: "comprehensive";
  apiUrl: string;
  startedAt: string;
  finishedAt: string;
  serialization: SerializationResult;
  latency: LoadSummary | null;
  throughput: ConcurrencyPoint[];
  resources: ResourceSummary | null;
  metrics: MetricResult[];
  warnings: string[];
  errors: string[];
  model: string | null;
  streamingMeasurable: boolean | null;
}
