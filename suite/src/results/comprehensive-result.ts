import type { MetricResult } from "@mlxbench/proto";
import type { LoadSummary } from "../load-summary.js";
import type { SerializationResult } from "../measure-serialization.js";
import type { LoadMetrics, ResourceSummary } from "../measure/index.js";
import type { ServerCalibration } from "../server-calibration.js";
import type { SuiteSlo } from "../suite-options.js";

/** The highest concurrency meeting the SLO (`--sweep`), and every level the sweep tried. */
export interface CapacityAtSlo {
  slo: SuiteSlo;
  /** null: not even one request at a time meets the SLO. */
  concurrency: number | null;
  /** "max_concurrency": every level up to the cap met the SLO, so the capacity is at least that. */
  limitedBy: "slo" | "max_concurrency";
  maxConcurrency: number;
  outputTokensPerS: number | null;
  goodputRequestsPerS: number | null;
  levels: { concurrency: number; goodShare: number; meetsSlo: boolean }[];
}

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
  /** `--sweep` only: the capacity at the SLO; null otherwise. */
  capacity: CapacityAtSlo | null;
  resources: ResourceSummary | null;
  metrics: MetricResult[];
  warnings: string[];
  errors: string[];
  model: string | null;
  streamingMeasurable: boolean | null;
}
