import type { MetricResult } from "@mlxbench/proto";
import {
  e2eOf,
  pushItlSamples,
  runLoad,
  startResourceSampler,
  tpotOf,
  ttftOf,
} from "./measure/index.js";
import type { LoadResult, ResourceSummary } from "./measure/index.js";
import type { SuiteDeps } from "./deps.js";
import { describeError } from "./errors.js";
import { samplesOf, summarizeLoad, type LoadSummary } from "./load-summary.js";
import { measureSerialization, type SerializationResult } from "./measure-serialization.js";
import { makeMetric } from "./metric.js";
import type { SuiteOptions, Target } from "./suite-options.js";

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

/** Concurrency levels of the sweep: 1, powers of two, and the configured maximum. */
export function concurrencyLevels(max: number, quick: boolean): number[] {
  if (quick) return max > 1 ? [1, max] : [1];
  const levels = new Set<number>([1]);
  for (let c = 2; c < max; c *= 2) levels.add(c);
  levels.add(max);
  return [...levels].sort((a, b) => a - b);
}

/**
 * Tensor serialization with the codec, inference latency over the prompt set (one request at
 * a time), throughput under really concurrent load, and the resources used meanwhile.
 */
export async function runComprehensive(
  opts: Pick<
    SuiteOptions,
    | "tensorIterations"
    | "inferenceIterations"
    | "concurrentRequests"
    | "performanceIterations"
    | "serializationSizes"
    | "model"
    | "prompts"
    | "quick"
    | "requestTimeoutMs"
  > & { target: Target; skipInference?: boolean },
  deps: SuiteDeps,
): Promise<ComprehensiveResult> {
  const { clock, progress } = deps;
  const startedAt = clock.now().toISOString();
  const warnings: string[] = [];
  const errors: string[] = [];
  const metrics: MetricResult[] = [];

  const serialization = await measureSerialization(
    { iterations: opts.tensorIterations, sizes: opts.serializationSizes },
    deps,
  );
  metrics.push(...serialization.metrics);
  errors.push(...serialization.failures);

  let latency: LoadResult | null = null;
  const throughput: ConcurrencyPoint[] = [];
  let resources: ResourceSummary | null = null;
  if (!opts.skipInference) {
    const common = {
      baseUrl: opts.target.apiUrl,
      ...(opts.model ? { model: opts.model } : {}),
      ...(opts.prompts.length ? { prompts: opts.prompts } : {}),
      timeoutMs: opts.requestTimeoutMs,
      ...(deps.signal ? { signal: deps.signal } : {}),
    };
    const sampler = startResourceSampler({ apiUrl: opts.target.apiUrl });
    let totalTokens = 0;
    const countTokens = (res: LoadResult): void => {
      for (const r of res.records) if (r.ok) totalTokens += r.outputTokens;
    };
    try {
      progress.phase("inference latency", opts.inferenceIterations);
      latency = await runLoad({
        ...common,
        load: { kind: "concurrency", concurrency: 1 },
        requests: opts.inferenceIterations,
        warmupRequests: 1,
        onProgress: () => progress.advance(1),
      });
      warnings.push(...latency.warnings);
      countTokens(latency);
      const records = latency.records;
      const itl: number[] = [];
      for (const r of records) pushItlSamples(r, itl);
      metrics.push(
        makeMetric({
          key: "inference.e2e_ms",
          component: "comprehensive",
          label: "End-to-end latency",
          unit: "ms",
          direction: "lower_is_better",
          samples: samplesOf(records, e2eOf),
        }),
        makeMetric({
          key: "inference.ttft_ms",
          component: "comprehensive",
          label: "Time to first token",
          unit: "ms",
          direction: "lower_is_better",
          samples: samplesOf(records, ttftOf),
        }),
        makeMetric({
          key: "inference.tpot_ms",
          component: "comprehensive",
          label: "Time per output token",
          unit: "ms",
          direction: "lower_is_better",
          samples: samplesOf(records, tpotOf),
        }),
        makeMetric({
          key: "inference.itl_ms",
          component: "comprehensive",
          label: "Inter-token latency",
          unit: "ms",
          direction: "lower_is_better",
          samples: itl,
        }),
        makeMetric({
          key: "inference.success_rate",
          component: "comprehensive",
          label: "Success rate (sequential requests)",
          unit: "fraction",
          direction: "higher_is_better",
          samples: records.map((r) => (r.ok ? 1 : 0)),
        }),
      );

      const levels = concurrencyLevels(opts.concurrentRequests, opts.quick);
      const reps = Math.max(
        1,
        opts.quick ? Math.min(opts.performanceIterations, 3) : opts.performanceIterations,
      );
      progress.phase("throughput under concurrency", levels.length * reps);
      for (const c of levels) {
        const point: ConcurrencyPoint = {
          concurrency: c,
          outputTokensPerS: [],
          requestsPerS: [],
          successRate: 0,
          ok: 0,
          attempted: 0,
          e2eP50Ms: null,
          maxInFlight: 0,
        };
        let ok = 0;
        let attempted = 0;
        const e2e: number[] = [];
        for (let rep = 0; rep < reps; rep++) {
          const res = await runLoad({
            ...common,
            load: { kind: "concurrency", concurrency: c },
            requests: c * 2,
          });
          const s = summarizeLoad(res);
          countTokens(res);
          point.outputTokensPerS.push(res.metrics.outputTokensPerS);
          point.requestsPerS.push(res.metrics.requestsPerS);
          point.maxInFlight = Math.max(point.maxInFlight, s.maxInFlight);
          ok += res.records.filter((r) => r.ok).length;
          attempted += res.records.length;
          e2e.push(...samplesOf(res.records, e2eOf));
          warnings.push(...res.warnings);
          progress.advance(1, `concurrency ${c}`);
        }
        point.successRate = attempted ? ok / attempted : 0;
        point.ok = ok;
        point.attempted = attempted;
        e2e.sort((a, b) => a - b);
        point.e2eP50Ms = e2e.length ? (e2e[Math.floor(e2e.length / 2)] ?? null) : null;
        throughput.push(point);
      }
      const top = throughput[throughput.length - 1];
      if (top) {
        metrics.push(
          makeMetric({
            key: "throughput.output_tokens_per_s",
            component: "comprehensive",
            label: `Output tokens/s at concurrency ${top.concurrency}`,
            unit: "tokens/s",
            direction: "higher_is_better",
            samples: top.outputTokensPerS,
          }),
          makeMetric({
            key: "throughput.requests_per_s",
            component: "comprehensive",
            label: `Requests/s at concurrency ${top.concurrency}`,
            unit: "requests/s",
            direction: "higher_is_better",
            samples: top.requestsPerS,
          }),
          makeMetric({
            key: "throughput.success_rate",
            component: "comprehensive",
            label: `Success rate at concurrency ${top.concurrency}`,
            unit: "fraction",
            direction: "higher_is_better",
            samples: [top.successRate],
          }),
        );
      }
    } catch (err) {
      errors.push(`inference: ${describeError(err)}`);
    } finally {
      try {
        resources = await sampler.stop({ outputTokens: totalTokens });
      } catch (err) {
        warnings.push(`resource sampling failed: ${describeError(err)}`);
      }
    }
    if (resources) metrics.push(...resourceMetrics(resources));
  }

  return {
    component: "comprehensive",
    apiUrl: opts.target.apiUrl,
    startedAt,
    finishedAt: clock.now().toISOString(),
    serialization,
    latency: latency ? summarizeLoad(latency) : null,
    throughput,
    resources,
    metrics,
    warnings: [...new Set(warnings)],
    errors,
    model: latency?.model ?? null,
    streamingMeasurable: latency?.metrics.streamingMeasurable ?? null,
  };
}

function resourceMetrics(r: ResourceSummary): MetricResult[] {
  const out: MetricResult[] = [];
  const add = (
    key: string,
    label: string,
    unit: string,
    value: number | null | undefined,
    higher = false,
  ): void => {
    if (value === null || value === undefined || !Number.isFinite(value)) return;
    out.push(
      makeMetric({
        key,
        component: "comprehensive",
        label,
        unit,
        direction: higher ? "higher_is_better" : "lower_is_better",
        samples: [value],
      }),
    );
  };
  add(
    "resources.machine_cpu_pct_avg",
    "This machine's CPU (average)",
    "%",
    r.machineCpuPercent?.average,
  );
  add(
    "resources.process_rss_mb_peak",
    "Suite process memory (peak RSS)",
    "MB",
    r.processRssMb.peak,
  );
  add("resources.cluster_memory_mb_peak", "Cluster memory (peak)", "MB", r.clusterMemoryMb?.peak);
  add(
    "resources.tokens_per_mb",
    `Output tokens per MB of peak ${r.tokensPerMbBasis ?? ""} memory`,
    "tokens/MB",
    r.tokensPerMb,
    true,
  );
  return out;
}
