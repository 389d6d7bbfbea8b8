import type { Slo } from "./compute-load-metrics.js";
import type { PromptSpec } from "./prompt-spec.js";

/** What runLoad measures: the target, the load shape and its limits (checked by validateLoadOptions). */
export interface LoadOptions {
  baseUrl: string;
  /** Default: the first model of GET /v1/models. */
  model?: string;
  prompts?: readonly PromptSpec[];
  load:
    | { kind: "concurrency"; concurrency: number }
    | { kind: "rate"; requestsPerSecond: number; arrival: "constant" | "poisson" };
  /** Measured requests (warmup not included). */
  requests: number;
  /** Requests sent and discarded before the measured phase. Default 0. */
  warmupRequests?: number;
  /** No measured request starts later than this after the measured phase began; started ones finish. */
  maxDurationMs?: number;
  /** Default true; a 501 answer switches the run to non-streaming and says so in warnings. */
  stream?: boolean;
  /** Idle timeout per request (headers, gaps in the body). Default 60 s. */
  timeoutMs?: number;
  signal?: AbortSignal;
  slo?: Slo;
  /** Seeds the Poisson schedule. Default 1. */
  seed?: number;
  onProgress?: (done: number, total: number) => void;
  /**
   * Where responses are read and stamped: "thread" (default; a worker_thread the main thread's GC
   * and parsing cannot delay) or "main". A caller's own dispatcher or clock (LoadDeps) means "main".
   */
  readIn?: "thread" | "main";
}
