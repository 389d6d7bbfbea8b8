import { computeMedian } from "@mlxbench/verdict/stats";
import type { ClusterMode, CostConfig, MetricResult } from "@mlxbench/proto";
import { e2eOf, runLoad, startResourceSampler } from "./measure/index.js";
import type { ResourceSummary } from "./measure/index.js";
import type { ClusterLifecycle } from "./cluster-lifecycle.js";
import { DistributedStatusBody, getOptionalClusterJson } from "./cluster-http.js";
import type { SuiteDeps } from "./deps.js";
import { describeError } from "./errors.js";
import { compareWithBaseline, loadBaselineRun, type BaselineDelta } from "./load-baseline.js";
import { samplesOf } from "./load-summary.js";
import { finiteOrNull, makeMetric } from "./metric.js";
import type { SuiteOptions, Target } from "./suite-options.js";
import { waitForReady } from "./wait-for-ready.js";

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

export interface CompareOptions extends Pick<
  SuiteOptions,
  | "concurrentRequests"
  | "performanceIterations"
  | "model"
  | "prompts"
  | "costs"
  | "readinessTimeoutMs"
  | "requestTimeoutMs"
  | "quick"
> {
  distributed: Target;
  singleDevice?: Target;
  lifecycle?: ClusterLifecycle;
  /** The distributed cluster was started by the caller (and is running now). */
  distributedRunning?: boolean;
  baselineDir?: string;
  /** Metrics of this run, for `--baseline DIR`; the compare component adds its own. */
  currentMetrics?: MetricResult[];
  thresholdPct?: (key: string) => number;
  suiteOptionsHash?: string;
}

/**
 * Single device vs distributed, both measured with the same load on their own targets (or one
 * target restarted in each mode by the config's commands). Nothing is simulated: without a
 * single-device target, the result says that no baseline was measured.
 */
export async function runCompare(opts: CompareOptions, deps: SuiteDeps): Promise<CompareResult> {
  const { clock, progress } = deps;
  const startedAt = clock.now().toISOString();
  const warnings: string[] = [];
  const errors: string[] = [];
  const lifecycle = opts.lifecycle;
  const haveSingle = opts.singleDevice !== undefined || lifecycle?.has("single-device") === true;

  const measureIn = async (
    mode: ClusterMode,
    target: Target,
    running: boolean,
  ): Promise<ModeMeasurement | null> => {
    const managed = !running && lifecycle?.has(mode) === true;
    try {
      if (managed) {
        await lifecycle?.start(mode);
        const ready = await waitForReady(target.apiUrl, {
          timeoutMs: opts.readinessTimeoutMs,
          clock,
        });
        if (!ready.ready)
          throw new Error(`${mode} cluster at ${target.apiUrl} not ready: ${ready.lastStatus}`);
      }
      return await measureMode(mode, target, opts, deps);
    } catch (err) {
      errors.push(`${mode}: ${describeError(err)}`);
      return null;
    } finally {
      if (
        managed ||
        (running && mode === "distributed" && haveSingle && lifecycle?.has("distributed"))
      ) {
        // Both modes share the hardware: the distributed cluster must be down before the single device starts.
        try {
          await lifecycle?.stop(mode);
        } catch (err) {
          errors.push(`${mode}: ${describeError(err)}`);
        }
      }
    }
  };

  progress.phase("single device vs distributed", 2);
  const distributed = await measureIn(
    "distributed",
    opts.distributed,
    opts.distributedRunning ?? true,
  );
  progress.advance(1, "distributed");
  let singleDevice: ModeMeasurement | null = null;
  let baselineNote: string | null = null;
  if (haveSingle) {
    const target = opts.singleDevice ?? opts.distributed;
    singleDevice = await measureIn("single-device", target, false);
    if (!singleDevice)
      baselineNote = "no baseline measured: the single-device measurement failed (see errors)";
  } else {
    baselineNote = NO_BASELINE;
  }
  progress.advance(1, "single device");

  const figures = compareModes(distributed, singleDevice);
  const metrics: MetricResult[] = [];
  const modeMetrics = (m: ModeMeasurement, prefix: string, label: string): void => {
    metrics.push(
      makeMetric({
        key: `performance.${prefix}.output_tokens_per_s`,
        component: "performance",
        label: `${label}: output tokens/s at concurrency ${m.concurrency}`,
        unit: "tokens/s",
        direction: "higher_is_better",
        samples: m.outputTokensPerS,
      }),
      makeMetric({
        key: `performance.${prefix}.e2e_ms`,
        component: "performance",
        label: `${label}: end-to-end latency`,
        unit: "ms",
        direction: "lower_is_better",
        samples: m.e2eMs,
      }),
    );
  };
  if (distributed) modeMetrics(distributed, "distributed", "Distributed");
  if (singleDevice) modeMetrics(singleDevice, "single_device", "Single device");
  const figure = (
    key: string,
    label: string,
    unit: string,
    value: number | null,
    dir: MetricResult["direction"],
  ) => {
    if (value !== null)
      metrics.push(
        makeMetric({
          key,
          component: "performance",
          label,
          unit,
          direction: dir,
          samples: [value],
        }),
      );
  };
  figure(
    "performance.throughput_improvement",
    "Throughput improvement over one device",
    "x",
    figures.throughputImprovement,
    "higher_is_better",
  );
  figure(
    "performance.latency_factor",
    "Latency, distributed / single device",
    "x",
    figures.latencyFactor,
    "lower_is_better",
  );
  figure(
    "performance.scaling_efficiency_pct",
    "Scaling efficiency",
    "%",
    figures.scalingEfficiencyPct,
    "higher_is_better",
  );
  figure(
    "performance.cost_effectiveness",
    "Tokens per cost, distributed / single device",
    "x",
    figures.costEffectiveness,
    "higher_is_better",
  );

  let previousRun: CompareResult["previousRun"] = null;
  if (opts.baselineDir) {
    try {
      const { path, run } = await loadBaselineRun(opts.baselineDir);
      const current = [...(opts.currentMetrics ?? []), ...metrics];
      const deltas = compareWithBaseline(current, run.metrics, opts.thresholdPct ?? (() => 5));
      const comparable =
        opts.suiteOptionsHash === undefined ||
        run.fingerprint.suiteOptionsHash === opts.suiteOptionsHash;
      const note = comparable
        ? `compared with ${path} (median ratio per metric, threshold per metric; no significance test)`
        : `compared with ${path}, but it ran with other suite options (hash ${run.fingerprint.suiteOptionsHash} vs ${opts.suiteOptionsHash ?? "?"}): figures are not strictly comparable`;
      if (!comparable) warnings.push(note);
      previousRun = { dir: opts.baselineDir, path, deltas, comparable, note };
    } catch (err) {
      errors.push(`--baseline: ${describeError(err)}`);
    }
  }

  for (const m of [distributed, singleDevice]) if (m) warnings.push(...m.warnings);
  return {
    component: "performance",
    startedAt,
    finishedAt: clock.now().toISOString(),
    distributed,
    singleDevice,
    baselineNote,
    figures,
    previousRun,
    metrics,
    warnings: [...new Set(warnings)],
    errors,
    currency: opts.costs.currency,
  };
}

export function compareModes(
  d: ModeMeasurement | null,
  s: ModeMeasurement | null,
): ComparisonFigures {
  const none: ComparisonFigures = {
    throughputImprovement: null,
    latencyFactor: null,
    scalingEfficiencyPct: null,
    costEffectiveness: null,
  };
  if (!d || !s) return none;
  const dt = finiteOrNull(computeMedian(d.outputTokensPerS));
  const st = finiteOrNull(computeMedian(s.outputTokensPerS));
  const de = finiteOrNull(computeMedian(d.e2eMs));
  const se = finiteOrNull(computeMedian(s.e2eMs));
  const improvement = dt !== null && st !== null && st > 0 ? dt / st : null;
  return {
    throughputImprovement: improvement,
    latencyFactor: de !== null && se !== null && se > 0 ? de / se : null,
    scalingEfficiencyPct:
      improvement !== null && d.deviceCount ? (improvement / d.deviceCount) * 100 : null,
    costEffectiveness:
      d.tokensPerCurrency !== null && s.tokensPerCurrency !== null && s.tokensPerCurrency > 0
        ? d.tokensPerCurrency / s.tokensPerCurrency
        : null,
  };
}

async function measureMode(
  mode: ClusterMode,
  target: Target,
  opts: CompareOptions,
  deps: SuiteDeps,
): Promise<ModeMeasurement> {
  const warnings: string[] = [];
  const status = await getOptionalClusterJson(
    target.apiUrl,
    "distributed/status",
    DistributedStatusBody,
    {
      timeoutMs: 5000,
    },
  );
  const devices = status.available ? status.body.devices.map((d) => d.device_id) : [];
  const deviceCount = status.available ? devices.length : mode === "single-device" ? 1 : null;
  if (!status.available) warnings.push(`${mode}: device list not available (${status.reason})`);
  const common = {
    baseUrl: target.apiUrl,
    ...(opts.model ? { model: opts.model } : {}),
    ...(opts.prompts.length ? { prompts: opts.prompts } : {}),
    timeoutMs: opts.requestTimeoutMs,
    ...(deps.signal ? { signal: deps.signal } : {}),
  };
  const sequential = await runLoad({
    ...common,
    load: { kind: "concurrency", concurrency: 1 },
    requests: Math.max(2, opts.performanceIterations),
    warmupRequests: 1,
  });
  warnings.push(...sequential.warnings.map((w) => `${mode}: ${w}`));
  const sampler = startResourceSampler({ apiUrl: target.apiUrl, intervalMs: 250 });
  const tps: number[] = [];
  const rps: number[] = [];
  let ok = sequential.records.filter((r) => r.ok).length;
  let attempted = sequential.records.length;
  let tokens = 0;
  let resources: ResourceSummary | null = null;
  try {
    for (let rep = 0; rep < opts.performanceIterations; rep++) {
      const res = await runLoad({
        ...common,
        load: { kind: "concurrency", concurrency: opts.concurrentRequests },
        requests: opts.concurrentRequests * 2,
      });
      tps.push(res.metrics.outputTokensPerS);
      rps.push(res.metrics.requestsPerS);
      ok += res.records.filter((r) => r.ok).length;
      attempted += res.records.length;
      for (const r of res.records) if (r.ok) tokens += r.outputTokens;
      warnings.push(...res.warnings.map((w) => `${mode}: ${w}`));
      deps.progress.advance(0, `${mode} repetition ${rep + 1}`);
    }
  } finally {
    resources = await sampler.stop({ outputTokens: tokens });
  }
  const clusterMemoryMb = resources.clusterMemoryMb?.peak ?? null;
  const costPerHour = costOf(
    opts.costs,
    devices.length ? devices : deviceCount === 1 ? ["single-device"] : [],
  );
  const t = finiteOrNull(computeMedian(tps));
  return {
    mode,
    apiUrl: target.apiUrl,
    devices,
    deviceCount,
    concurrency: opts.concurrentRequests,
    outputTokensPerS: tps,
    requestsPerS: rps,
    e2eMs: samplesOf(sequential.records, e2eOf),
    successRate: attempted ? ok / attempted : 0,
    clusterMemoryMb,
    memoryPerDeviceMb:
      clusterMemoryMb !== null && deviceCount ? clusterMemoryMb / deviceCount : null,
    costPerHour,
    tokensPerCurrency: costPerHour && t !== null ? (t * 3600) / costPerHour : null,
    warnings: [...new Set(warnings)],
  };
}

/** Cost per hour of the given devices; null when the config sets no costs. */
function costOf(costs: CostConfig, devices: readonly string[]): number | null {
  if (devices.length === 0) return null;
  const total = devices.reduce((sum, id) => sum + (costs.devices[id] ?? costs.per_device_hour), 0);
  return total > 0 ? total : null;
}
