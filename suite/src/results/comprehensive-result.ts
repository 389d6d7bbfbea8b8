import type { MetricResult } from "@mlxbench/proto";
import type { LoadSummary } from "../load-summary.js";
import type { SerializationResult } from "../measure-serialization.js";
import type { ResourceSummary } from "../measure/index.js";

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
