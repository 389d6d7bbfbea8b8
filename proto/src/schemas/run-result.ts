import { z } from "zod";

/**
 * The one versioned result of a suite run. The verdict, the archive and the publishers read
 * this and nothing else of the suite. Bump RESULT_SCHEMA_VERSION on any incompatible change.
 */
export const RESULT_SCHEMA_VERSION = 1;

export const Direction = z.enum(["lower_is_better", "higher_is_better"]);
export type Direction = z.infer<typeof Direction>;

/** Summary statistics of a sample set (milliseconds, tokens/s, …: the metric's unit). */
export const Stats = z.object({
  count: z.number().int().nonnegative(),
  mean: z.number(),
  min: z.number(),
  max: z.number(),
  stddev: z.number(),
  p50: z.number(),
  p90: z.number(),
  p95: z.number(),
  p99: z.number(),
});
export type Stats = z.infer<typeof Stats>;

/**
 * One metric of a run with its raw samples (one per request, iteration or repetition), so a
 * later comparison can test distributions rather than two means.
 */
export const MetricResult = z.object({
  /** Stable key, e.g. "inference.ttft_ms", "throughput.output_tokens_per_s". */
  key: z.string().min(1),
  component: z.enum(["comprehensive", "validation", "performance", "communication"]),
  label: z.string(),
  unit: z.string(),
  direction: Direction,
  samples: z.array(z.number()),
  stats: Stats.nullable(),
  /** True when the verdict may fail the check on this metric (default for headline metrics). */
  gated: z.boolean().default(true),
});
export type MetricResult = z.infer<typeof MetricResult>;

/** What was measured: two runs are comparable only when their fingerprints' identity match. */
export const Fingerprint = z.object({
  /** Hardware of the runner (chip, memory, OS) or "reference-cluster". */
  hardware: z.string(),
  clusterMode: z.enum(["distributed", "single-device"]),
  deviceCount: z.number().int().nonnegative(),
  devices: z.array(z.string()),
  model: z.string(),
  /** Hash of the suite options that change what a metric means (iterations, concurrency, prompts). */
  suiteOptionsHash: z.string(),
  suiteOptions: z.record(z.string(), z.unknown()),
  versions: z.record(z.string(), z.string()),
});
export type Fingerprint = z.infer<typeof Fingerprint>;

export const FixStatus = z.object({
  name: z.string(),
  critical: z.boolean(),
  /** NOT_APPLICABLE: the target has no such part (an OpenAI-compatible server has no gRPC side). */
  status: z.enum(["PASS", "FAIL", "SKIPPED", "NOT_APPLICABLE"]),
  message: z.string(),
});
export type FixStatus = z.infer<typeof FixStatus>;

export const ValidationSummary = z.object({
  status: z.enum(["PASS", "FAIL"]),
  criticalFailures: z.array(z.string()),
  fixes: z.array(FixStatus),
});
export type ValidationSummary = z.infer<typeof ValidationSummary>;

export const ComponentOutcome = z.object({
  name: z.enum(["validation", "comprehensive", "performance", "communication"]),
  /** not_applicable: the target has nothing for this component to measure (message says why). */
  status: z.enum(["ok", "failed", "skipped", "not_available", "not_applicable"]),
  message: z.string().optional(),
  durationMs: z.number().nonnegative(),
  files: z.array(z.string()),
});
export type ComponentOutcome = z.infer<typeof ComponentOutcome>;

export const Readiness = z.object({
  verdict: z.enum(["READY", "READY_WITH_CAUTION", "NOT_READY"]),
  blocking: z.array(z.string()),
  warnings: z.array(z.string()),
  greenLights: z.array(z.string()),
});
export type Readiness = z.infer<typeof Readiness>;

export const RunSource = z.object({
  repository: z.string().optional(),
  commit: z.string().optional(),
  branch: z.string().optional(),
  pullRequest: z.number().int().positive().optional(),
  trigger: z.string().optional(),
});
export type RunSource = z.infer<typeof RunSource>;

export const RunResult = z.object({
  schemaVersion: z.literal(RESULT_SCHEMA_VERSION),
  runId: z.string().min(1),
  startedAt: z.string().datetime(),
  finishedAt: z.string().datetime(),
  source: RunSource,
  fingerprint: Fingerprint,
  metrics: z.array(MetricResult),
  validation: ValidationSummary.nullable(),
  components: z.array(ComponentOutcome),
  readiness: Readiness,
  /** Things a reader must know: client-limited measurement, TTFT not measurable, … */
  warnings: z.array(z.string()),
  exitCode: z.union([z.literal(0), z.literal(1), z.literal(2)]),
});
export type RunResult = z.infer<typeof RunResult>;
