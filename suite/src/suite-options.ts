import { createHash } from "node:crypto";
import type {
  CostConfig,
  FloorsConfig,
  MlxbenchConfig,
  SuiteRunConfig,
  SuiteTarget,
} from "@mlxbench/proto";
import { SuiteOptionsError } from "./errors.js";

export interface PromptSpec {
  name: string;
  prompt: string;
  max_tokens: number;
}

export interface Target {
  apiUrl: string;
  grpcTarget?: string;
}

/** Everything a suite run needs to know, after flags, config and defaults are merged. */
export interface SuiteOptions {
  /** What is measured (mlx-cluster: HTTP + gRPC; openai: HTTP only); absent: detected at start. */
  target?: SuiteTarget;
  distributed: Target;
  /** Absent: no single-device baseline can be measured, and the report says so. */
  singleDevice?: Target;
  outputDir: string;
  quick: boolean;
  skipValidation: boolean;
  skipCommunication: boolean;
  /** Earlier output directory to compare against (`--baseline DIR`). */
  baselineDir?: string;
  tensorIterations: number;
  inferenceIterations: number;
  concurrentRequests: number;
  communicationIterations: number;
  validationIterations: number;
  performanceIterations: number;
  readinessTimeoutMs: number;
  expectedDevices: string[];
  /** Empty: the first model of GET /v1/models. */
  model: string;
  /** Empty: the measurement library's default prompt set. */
  prompts: PromptSpec[];
  /** Tensor sizes of the serialization benchmark, in wire bytes. */
  serializationSizes: number[];
  /** Payload sizes of the transfer sweep, in bytes. */
  transferSizes: number[];
  costs: CostConfig;
  thresholds: { defaultPct: number; metrics: Record<string, number> };
  gatedMetrics: string[];
  floors: FloorsConfig;
  /** Per-request timeout of inference calls. */
  requestTimeoutMs: number;
  /** Objectives for goodput and the sweep; absent: no SLO (goodput null). */
  slo?: SuiteSlo;
  /** Find the capacity at the SLO rather than measure the fixed concurrency levels. */
  sweep: boolean;
  sweepMaxConcurrency: number;
}

export interface SuiteSlo {
  ttftMs?: number;
  tpotMs?: number;
  e2eMs?: number;
  /** Share of attempted requests that must meet every objective for a load to meet the SLO. */
  minGoodShare: number;
}

/** CLI flags in the seed's names; each one set overrides the config. */
export interface SuiteFlags {
  target?: SuiteTarget;
  apiUrl?: string;
  grpcTarget?: string;
  singleDeviceApiUrl?: string;
  singleDeviceGrpcTarget?: string;
  outputDir?: string;
  quick?: boolean;
  skipValidation?: boolean;
  skipCommunication?: boolean;
  baselineDir?: string;
  iterationsComprehensive?: number;
  iterationsValidation?: number;
  iterationsPerformance?: number;
  iterationsCommunication?: number;
  tensorIterations?: number;
  inferenceIterations?: number;
  concurrentRequests?: number;
  communicationIterations?: number;
  readinessTimeoutS?: number;
  model?: string;
  sweep?: boolean;
  /** `--slo ttft_ms=500,tpot_ms=50`: overrides the config's objectives one by one. */
  slo?: { ttft_ms?: number; tpot_ms?: number; e2e_ms?: number };
}

const KIB = 1024;
const MIB = 1024 * KIB;

/** The seed's defaults, and the reduced ones of `--quick`. */
export const FULL_DEFAULTS = {
  tensorIterations: 1000,
  inferenceIterations: 50,
  concurrentRequests: 10,
  communicationIterations: 100,
  validationIterations: 5,
  performanceIterations: 20,
  serializationSizes: [KIB, 64 * KIB, MIB, 16 * MIB],
  transferSizes: [KIB, 16 * KIB, 256 * KIB, MIB, 4 * MIB, 16 * MIB, 64 * MIB],
} as const;

export const QUICK_DEFAULTS = {
  tensorIterations: 20,
  inferenceIterations: 6,
  concurrentRequests: 4,
  communicationIterations: 10,
  validationIterations: 2,
  performanceIterations: 3,
  serializationSizes: [KIB, MIB],
  transferSizes: [KIB, 64 * KIB, MIB, 4 * MIB],
} as const;

/**
 * Merges flags over the config's run profile over the defaults. Precedence for counts: the
 * specific flag (--tensor-iterations), then the component flag (--iterations-comprehensive),
 * then the config, then the quick or full default.
 */
export function resolveSuiteOptions(
  flags: SuiteFlags,
  config: MlxbenchConfig,
  profile: keyof MlxbenchConfig["suite"] = "pull_request",
): SuiteOptions {
  const run: SuiteRunConfig = config.suite[profile];
  const quick = flags.quick ?? run.quick;
  const d = quick ? QUICK_DEFAULTS : FULL_DEFAULTS;
  const pick = (...values: (number | undefined)[]): number => {
    const v = values.find((x) => x !== undefined);
    return v ?? 0;
  };
  const single = config.cluster["single-device"];
  const singleApi = flags.singleDeviceApiUrl ?? single.api_url;
  const singleGrpc = flags.singleDeviceGrpcTarget ?? single.grpc_target;
  const measureSingle = run.modes.includes("single-device");
  const target = flags.target ?? config.cluster.target;
  const opts: SuiteOptions = {
    ...(target ? { target } : {}),
    distributed: {
      apiUrl: flags.apiUrl ?? config.cluster.distributed.api_url,
      grpcTarget: flags.grpcTarget ?? config.cluster.distributed.grpc_target,
    },
    ...(singleApi && (measureSingle || flags.singleDeviceApiUrl)
      ? { singleDevice: { apiUrl: singleApi, ...(singleGrpc ? { grpcTarget: singleGrpc } : {}) } }
      : {}),
    outputDir: flags.outputDir ?? "benchmark_results",
    quick,
    skipValidation: flags.skipValidation ?? run.skip_validation,
    skipCommunication: flags.skipCommunication ?? run.skip_communication,
    ...(flags.baselineDir ? { baselineDir: flags.baselineDir } : {}),
    tensorIterations: pick(
      flags.tensorIterations,
      flags.iterationsComprehensive,
      run.tensor_iterations,
      run.iterations_comprehensive,
      d.tensorIterations,
    ),
    inferenceIterations: pick(
      flags.inferenceIterations,
      flags.iterationsComprehensive,
      run.inference_iterations,
      run.iterations_comprehensive,
      d.inferenceIterations,
    ),
    concurrentRequests: pick(
      flags.concurrentRequests,
      run.concurrent_requests,
      d.concurrentRequests,
    ),
    communicationIterations: pick(
      flags.communicationIterations,
      flags.iterationsCommunication,
      run.communication_iterations,
      run.iterations_communication,
      d.communicationIterations,
    ),
    validationIterations: pick(
      flags.iterationsValidation,
      run.iterations_validation,
      d.validationIterations,
    ),
    performanceIterations: pick(
      flags.iterationsPerformance,
      run.iterations_performance,
      d.performanceIterations,
    ),
    readinessTimeoutMs: (flags.readinessTimeoutS ?? config.cluster.readiness_timeout_s) * 1000,
    expectedDevices: [...config.cluster.expected_devices],
    model: flags.model ?? config.cluster.model,
    prompts: config.test_prompts.map((p) => ({ ...p })),
    serializationSizes: [...d.serializationSizes],
    transferSizes: [...d.transferSizes],
    costs: config.costs,
    thresholds: {
      defaultPct: config.thresholds.default_pct,
      metrics: { ...config.thresholds.metrics },
    },
    gatedMetrics: [...config.gated_metrics],
    floors: config.floors,
    requestTimeoutMs: 60_000,
    ...sloOf(config.slo, flags.slo),
    sweep: flags.sweep ?? run.sweep,
    sweepMaxConcurrency: run.sweep_max_concurrency,
  };
  checkSuiteOptions(opts);
  return opts;
}

function sloOf(config: MlxbenchConfig["slo"], flags: SuiteFlags["slo"] = {}): { slo?: SuiteSlo } {
  const ttftMs = flags.ttft_ms ?? config.ttft_ms;
  const tpotMs = flags.tpot_ms ?? config.tpot_ms;
  const e2eMs = flags.e2e_ms ?? config.e2e_ms;
  if (ttftMs === undefined && tpotMs === undefined && e2eMs === undefined) return {};
  return {
    slo: {
      ...(ttftMs !== undefined ? { ttftMs } : {}),
      ...(tpotMs !== undefined ? { tpotMs } : {}),
      ...(e2eMs !== undefined ? { e2eMs } : {}),
      minGoodShare: config.min_good_share,
    },
  };
}

function checkSuiteOptions(o: SuiteOptions): void {
  if (o.sweep && !o.slo)
    throw new SuiteOptionsError(
      "--sweep needs an SLO to find the capacity at: set slo.ttft_ms, slo.tpot_ms or slo.e2e_ms in .mlxbench.yml, or pass --slo ttft_ms=500,tpot_ms=50",
    );
  for (const [name, v] of Object.entries({
    "tensor iterations": o.tensorIterations,
    "inference iterations": o.inferenceIterations,
    "concurrent requests": o.concurrentRequests,
    "communication iterations": o.communicationIterations,
    "validation iterations": o.validationIterations,
    "performance iterations": o.performanceIterations,
  })) {
    if (!Number.isInteger(v) || v < 1)
      throw new SuiteOptionsError(`${name} must be a positive integer, got ${v}`);
  }
  for (const t of [o.distributed, o.singleDevice]) {
    if (!t) continue;
    try {
      const u = new URL(t.apiUrl);
      if (u.protocol !== "http:" && u.protocol !== "https:") throw new Error("not http");
    } catch {
      throw new SuiteOptionsError(`API URL ${JSON.stringify(t.apiUrl)} is not an http(s) URL`);
    }
    if (t.grpcTarget !== undefined && !/^[^\s/]+:\d{1,5}$/.test(t.grpcTarget)) {
      throw new SuiteOptionsError(`gRPC target ${JSON.stringify(t.grpcTarget)} must be HOST:PORT`);
    }
  }
}

/**
 * The options that change what a metric means; two runs are comparable only with equal hashes.
 * Addresses and output paths are left out: they do not change the measurement.
 */
export function meaningfulSuiteOptions(o: SuiteOptions): Record<string, unknown> {
  return {
    quick: o.quick,
    tensorIterations: o.tensorIterations,
    inferenceIterations: o.inferenceIterations,
    concurrentRequests: o.concurrentRequests,
    communicationIterations: o.communicationIterations,
    performanceIterations: o.performanceIterations,
    prompts: o.prompts,
    serializationSizes: o.serializationSizes,
    transferSizes: o.transferSizes,
    model: o.model,
    // Only when used, so runs from before these options keep their hash.
    ...(o.sweep ? { sweep: o.sweepMaxConcurrency } : {}),
    ...(o.slo ? { slo: o.slo } : {}),
  };
}

export function hashSuiteOptions(o: SuiteOptions): string {
  return createHash("sha256")
    .update(JSON.stringify(meaningfulSuiteOptions(o)))
    .digest("hex")
    .slice(0, 16);
}

export function thresholdPctFor(o: SuiteOptions, key: string): number {
  return o.thresholds.metrics[key] ?? o.thresholds.defaultPct;
}
