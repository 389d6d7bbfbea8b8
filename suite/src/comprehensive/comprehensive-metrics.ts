import type { MetricResult } from "@mlxbench/proto";
import { e2eOf, pushItlSamples, tpotOf, ttftOf } from "../measure/index.js";
import type { RequestRecord, ResourceSummary } from "../measure/index.js";
import { samplesOf } from "../load-summary.js";
import { makeMetric } from "../metric.js";
import type { ConcurrencyPoint } from "../results/index.js";

/** Latency metrics of the sequential requests: e2e, TTFT, TPOT, ITL and success rate. */
export function latencyMetrics(records: readonly RequestRecord[]): MetricResult[] {
  const itl: number[] = [];
  for (const r of records) pushItlSamples(r, itl);
  return [
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
  ];
}

/** Throughput metrics at the sweep's top concurrency level. */
export function throughputMetrics(top: ConcurrencyPoint): MetricResult[] {
  return [
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
  ];
}

/** Resource metrics of the whole run; a figure that was not measured is left out. */
export function resourceMetrics(r: ResourceSummary): MetricResult[] {
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
