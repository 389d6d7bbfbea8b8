import type { MetricResult } from "@mlxbench/proto";
import { runLoad, startResourceSampler } from "../measure/index.js";
import type { LoadResult, ResourceSummary, Slo } from "../measure/index.js";
import type { SuiteDeps } from "../deps.js";
import { describeError } from "../errors.js";
import { summarizeLoad } from "../load-summary.js";
import { measureSerialization } from "../measure-serialization.js";
import type { CapacityAtSlo, ComprehensiveResult, ConcurrencyPoint } from "../results/index.js";
import type { SuiteOptions, Target } from "../suite-options.js";
import { latencyMetrics, resourceMetrics, throughputMetrics } from "./comprehensive-metrics.js";
import { concurrencyLevels } from "./concurrency-levels.js";
import { measureConcurrencyPoint } from "./measure-concurrency-point.js";
import { sweepCapacity } from "./sweep-capacity.js";

export type ComprehensiveOptions = Pick<
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
> &
  Partial<Pick<SuiteOptions, "slo" | "sweep" | "sweepMaxConcurrency">> & {
    target: Target;
    skipInference?: boolean;
  };

/**
 * Tensor serialization with the codec, inference latency over the prompt set (one request at
 * a time), throughput under really concurrent load, and the resources used meanwhile.
 */
export async function runComprehensive(
  opts: ComprehensiveOptions,
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
  let throughput: ConcurrencyPoint[] = [];
  let capacity: CapacityAtSlo | null = null;
  let resources: ResourceSummary | null = null;
  if (!opts.skipInference) {
    const common = {
      baseUrl: opts.target.apiUrl,
      ...(opts.model ? { model: opts.model } : {}),
      ...(opts.prompts.length ? { prompts: opts.prompts } : {}),
      timeoutMs: opts.requestTimeoutMs,
      ...(deps.signal ? { signal: deps.signal } : {}),
      ...(opts.slo ? { slo: sloOf(opts.slo) } : {}),
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
      metrics.push(...latencyMetrics(latency.records));

      const reps = Math.max(
        1,
        opts.quick ? Math.min(opts.performanceIterations, 3) : opts.performanceIterations,
      );
      const each = (res: LoadResult): void => {
        countTokens(res);
        warnings.push(...res.warnings);
      };
      if (opts.sweep && opts.slo) {
        const max = opts.sweepMaxConcurrency ?? 64;
        const swept = await sweepCapacity(common, { slo: opts.slo, max, reps }, each, progress);
        throughput = swept.points;
        capacity = swept.capacity;
      } else {
        const levels = concurrencyLevels(opts.concurrentRequests, opts.quick);
        progress.phase("throughput under concurrency", levels.length * reps);
        for (const c of levels)
          throughput.push(await measureConcurrencyPoint(common, c, reps, each, progress));
      }
      const top = throughput[throughput.length - 1];
      if (top) metrics.push(...throughputMetrics(top));
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
    capacity,
    resources,
    metrics,
    warnings: [...new Set(warnings)],
    errors,
    model: latency?.model ?? null,
    streamingMeasurable: latency?.metrics.streamingMeasurable ?? null,
  };
}

/** The suite's SLO in the measurement client's terms (objectives only). */
function sloOf(slo: NonNullable<ComprehensiveOptions["slo"]>): Slo {
  return {
    ...(slo.ttftMs !== undefined ? { ttftMs: slo.ttftMs } : {}),
    ...(slo.tpotMs !== undefined ? { tpotMs: slo.tpotMs } : {}),
    ...(slo.e2eMs !== undefined ? { e2eMs: slo.e2eMs } : {}),
  };
}
