import { z } from "zod";
import { DEFAULT_RUNNER_LABEL, RunsOn } from "./runs-on.js";

// The benchmarked repository's `.mlxbench.yml` (or `mlxbench --config FILE`). Every key has a
// default, so an empty file is a valid config for a cluster on the contract's default ports.
// Keys are snake_case like the seed's BENCHMARK_CONFIG; unknown keys are errors (typos must not
// silently fall back to a default).
// Over 300 lines: every key of the file in one schema, read top to bottom as the file is written.

export const CLUSTER_MODES = ["distributed", "single-device"] as const;
export const ClusterMode = z.enum(CLUSTER_MODES);
export type ClusterMode = z.infer<typeof ClusterMode>;

const HostPort = z
  .string()
  .regex(
    /^[^\s:/]+:\d{1,5}$|^\[[0-9a-fA-F:]+\]:\d{1,5}$/,
    "must be HOST:PORT, e.g. localhost:50100",
  );

const HttpUrl = z
  .string()
  .url()
  .refine((s) => s.startsWith("http://") || s.startsWith("https://"), "must be an http(s) URL");

/** How to reach the cluster in one mode, and optionally how to start and stop it. */
export const ClusterModeConfig = z
  .object({
    /** Shell command that starts the cluster in this mode (run from the repository root). */
    start: z.string().min(1).optional(),
    /** Shell command that stops it; the worker always runs it, also after failures. */
    stop: z.string().min(1).optional(),
    api_url: HttpUrl.optional(),
    /** DistributedComm / TensorService address of rank 0, separate from the HTTP port. */
    grpc_target: HostPort.optional(),
    /** Extra environment for start and stop, e.g. DISTRIBUTED: "true". */
    env: z.record(z.string(), z.string()).default({}),
  })
  .strict();
export type ClusterModeConfig = z.infer<typeof ClusterModeConfig>;

/** The distributed mode defaults to the contract's ports. */
export const DistributedModeConfig = ClusterModeConfig.extend({
  api_url: HttpUrl.default("http://localhost:8100"),
  grpc_target: HostPort.default("localhost:50100"),
}).strict();

/** What the suite measures: the MLX cluster (HTTP + gRPC) or any OpenAI-compatible server (HTTP only). */
export const SuiteTarget = z.enum(["mlx-cluster", "openai"]);
export type SuiteTarget = z.infer<typeof SuiteTarget>;

export const ClusterConfig = z
  .object({
    /** Unset: detected from GET /distributed/status (answered: mlx-cluster; 404: openai). */
    target: SuiteTarget.optional(),
    /** Seconds to wait for `/health` to report healthy with the model loaded. */
    readiness_timeout_s: z.number().positive().max(3600).default(120),
    distributed: DistributedModeConfig.prefault({}),
    /** No default address: a single-device baseline is measured only when configured. */
    "single-device": ClusterModeConfig.prefault({}),
    /** Device ids the cluster must report (e.g. [mini1, mini2, master]); empty: not checked. */
    expected_devices: z.array(z.string().min(1)).default([]),
    /** Model name sent in chat requests; empty: the first of GET /v1/models. */
    model: z.string().default(""),
  })
  .strict();
export type ClusterConfig = z.infer<typeof ClusterConfig>;

export const CostConfig = z
  .object({
    currency: z.string().min(1).default("USD"),
    /** Cost of one device for one hour, used when a device has no entry below. */
    per_device_hour: z.number().nonnegative().default(0),
    /** Per device id, e.g. { mini1: 0.12, master: 0.30 }. */
    devices: z.record(z.string(), z.number().nonnegative()).default({}),
  })
  .strict();
export type CostConfig = z.infer<typeof CostConfig>;

/** One test prompt: the seed's `("name", "prompt", max_tokens)` tuple or the same as a map. */
export const TestPrompt = z.preprocess(
  (v: unknown) => {
    if (!Array.isArray(v) || v.length !== 3) return v;
    const [name, prompt, max_tokens] = v as unknown[];
    return { name, prompt, max_tokens };
  },
  z
    .object({
      name: z.string().min(1),
      prompt: z.string().min(1),
      max_tokens: z.number().int().positive().max(32_768),
    })
    .strict(),
);
export type TestPrompt = z.infer<typeof TestPrompt>;

const Count = z.number().int().positive().max(100_000);

/** Suite options as the seed's CLI flags name them; unset counts use the suite's defaults. */
export const SuiteRunConfig = z
  .object({
    quick: z.boolean().default(true),
    skip_validation: z.boolean().default(false),
    skip_communication: z.boolean().default(false),
    /** Modes to measure; both are needed for the single-device vs distributed comparison. */
    modes: z.array(ClusterMode).min(1).default(["distributed", "single-device"]),
    iterations_comprehensive: Count.optional(),
    iterations_validation: Count.optional(),
    iterations_performance: Count.optional(),
    iterations_communication: Count.optional(),
    tensor_iterations: Count.optional(),
    inference_iterations: Count.optional(),
    concurrent_requests: z.number().int().positive().max(1024).optional(),
    communication_iterations: Count.optional(),
    /** Find the highest concurrency that meets `slo` (capacity at SLO) instead of the fixed sweep. */
    sweep: z.boolean().default(false),
    /** The sweep doubles concurrency from 1 up to this, then bisects between pass and fail. */
    sweep_max_concurrency: z.number().int().positive().max(1024).default(64),
  })
  .strict();
export type SuiteRunConfig = z.infer<typeof SuiteRunConfig>;

export const SuiteConfig = z
  .object({
    // Same defaults for both so a PR run is comparable with the default branch's baseline.
    pull_request: SuiteRunConfig.prefault({}),
    default_branch: SuiteRunConfig.prefault({}),
  })
  .strict();
export type SuiteConfig = z.infer<typeof SuiteConfig>;

/** Practical regression thresholds in percent, per metric key. */
export const ThresholdsConfig = z
  .object({
    default_pct: z.number().positive().max(1000).default(5),
    metrics: z.record(z.string().min(1), z.number().positive().max(1000)).default({}),
  })
  .strict();
export type ThresholdsConfig = z.infer<typeof ThresholdsConfig>;

export const DEFAULT_GATED_METRICS = [
  "inference.e2e_ms",
  "inference.ttft_ms",
  "inference.tpot_ms",
  "throughput.output_tokens_per_s",
  "throughput.requests_per_s",
] as const;

export const GateConfig = z
  .object({
    /** Lowest verdict that lets a deployment through: only "success", or also "neutral". */
    require_verdict: z.enum(["success", "neutral"]).default("success"),
    /** Lowest deployment readiness that passes. */
    require_readiness: z.enum(["READY", "READY_WITH_CAUTION"]).default("READY_WITH_CAUTION"),
    require_validation_pass: z.boolean().default(true),
    /** Environments the gate answers for; empty: all. */
    environments: z.array(z.string().min(1)).default([]),
    /**
     * Hours within which an archived run of exactly the deployed commit and suite options answers
     * the gate without running the suite again; 0: always run.
     */
    reuse_within_hours: z.number().nonnegative().default(24),
  })
  .strict();
export type GateConfig = z.infer<typeof GateConfig>;

/** Floors of the validation component; unset floors are not checked. */
export const FloorsConfig = z
  .object({
    min_success_rate: z.number().min(0).max(1).default(0.95),
    max_e2e_p95_ms: z.number().positive().optional(),
    min_output_tokens_per_s: z.number().positive().optional(),
  })
  .strict();
export type FloorsConfig = z.infer<typeof FloorsConfig>;

/** Service-level objectives per request; goodput counts requests meeting all that are set. */
export const SloConfig = z
  .object({
    ttft_ms: z.number().positive().optional(),
    tpot_ms: z.number().positive().optional(),
    e2e_ms: z.number().positive().optional(),
    /** Share of attempted requests that must meet every objective for a load to meet the SLO. */
    min_good_share: z.number().min(0).max(1).default(0.95),
  })
  .strict();
export type SloConfig = z.infer<typeof SloConfig>;

/**
 * Fewest A/B pairs a person may ask for (config or `/benchmark confirm N`): 2 pairs leave the paired
 * t one degree of freedom (PAIRED_PAIRS=2 on the paired bench: power 0.10 for +2 % at 0.50 false
 * alarms per 100); 4 is also the fewest the verdict's own sizing picks.
 */
export const MIN_CONFIRMATION_PAIRS = 4;
export const MAX_CONFIRMATION_PAIRS = 1000;
/** A count of A/B pairs, its floor named in the error. */
export const ConfirmationPairs = z
  .number()
  .int()
  .min(MIN_CONFIRMATION_PAIRS, {
    message: `A/B pairs must be at least ${MIN_CONFIRMATION_PAIRS} (fewer cannot decide reliably)`,
  })
  .max(MAX_CONFIRMATION_PAIRS);

/** Tier 2 of the verdict: the paired A/B/B/A run of merge-base and head for close calls. */
export const ConfirmationConfig = z
  .object({
    /** A/B pairs to run; unset: sized from the metric's noise so a threshold-sized change shows. */
    pairs: ConfirmationPairs.optional(),
    /** Most pairs a confirmation may run; a sized or requested count is clamped to it. */
    max_pairs: ConfirmationPairs.default(20),
    /**
     * Close calls are confirmed without asking. False: a close call stays inconclusive and says
     * how to ask (`/benchmark confirm`), for clusters where 2 × pairs extra suite runs are too dear.
     */
    automatic: z.boolean().default(true),
  })
  .strict();
export type ConfirmationConfig = z.infer<typeof ConfirmationConfig>;

export const MlxbenchConfig = z
  .object({
    version: z.literal(1).default(1),
    /** Runner pool(s) the run needs; a list is a matrix, one check run per pool. */
    "runs-on": RunsOn.default([DEFAULT_RUNNER_LABEL]),
    cluster: ClusterConfig.prefault({}),
    costs: CostConfig.prefault({}),
    /** The seed's test_prompts; empty: the suite's built-in prompt set. */
    test_prompts: z.array(TestPrompt).default([]),
    suite: SuiteConfig.prefault({}),
    thresholds: ThresholdsConfig.prefault({}),
    gated_metrics: z.array(z.string().min(1)).default([...DEFAULT_GATED_METRICS]),
    confirmation: ConfirmationConfig.prefault({}),
    floors: FloorsConfig.prefault({}),
    slo: SloConfig.prefault({}),
    gate: GateConfig.prefault({}),
  })
  .strict();
export type MlxbenchConfig = z.infer<typeof MlxbenchConfig>;

/** One problem of a config, located by its key path (and by line when read from YAML). */
export interface ConfigProblem {
  path: (string | number)[];
  message: string;
  line?: number;
}

/** A config that does not match the schema; every problem names its key. */
export class MlxbenchConfigError extends Error {
  override readonly name = "MlxbenchConfigError";
  constructor(
    readonly source: string,
    readonly problems: ConfigProblem[],
    options?: ErrorOptions,
  ) {
    super(
      `invalid config ${source}: ` +
        problems
          .map(
            (p) =>
              `${formatConfigPath(p.path)}${p.line !== undefined ? ` (line ${p.line})` : ""}: ${p.message}`,
          )
          .join("; "),
      options,
    );
  }
}

export function formatConfigPath(path: readonly (string | number | symbol)[]): string {
  if (path.length === 0) return "(config)";
  return path
    .map((p, i) => (typeof p === "number" ? `[${p}]` : `${i === 0 ? "" : "."}${String(p)}`))
    .join("");
}

/**
 * Problems of an unparsed config; unknown keys get the key's own path, so the caller can point
 * at its line.
 */
export function checkMlxbenchConfig(
  input: unknown,
): { ok: true; config: MlxbenchConfig } | { ok: false; problems: ConfigProblem[] } {
  const parsed = MlxbenchConfig.safeParse(input ?? {});
  if (parsed.success) return { ok: true, config: parsed.data };
  const problems: ConfigProblem[] = [];
  for (const issue of parsed.error.issues) {
    const path = issue.path.filter((p): p is string | number => typeof p !== "symbol");
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) problems.push({ path: [...path, key], message: "unknown key" });
    } else {
      problems.push({ path, message: issue.message });
    }
  }
  return { ok: false, problems };
}

/** Parses an already-decoded config object; throws MlxbenchConfigError naming each bad key. */
export function parseMlxbenchConfig(input: unknown, source = "config"): MlxbenchConfig {
  const checked = checkMlxbenchConfig(input);
  if (!checked.ok) throw new MlxbenchConfigError(source, checked.problems);
  return checked.config;
}
