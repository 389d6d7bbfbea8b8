import type { MetricResult } from "@mlxbench/proto";
import { makeMetric } from "../metric.js";
import type { ComparisonFigures, ModeMeasurement } from "../results/index.js";

function modeMetrics(m: ModeMeasurement, prefix: string, label: string): MetricResult[] {
  return [
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
  ];
}

const FIGURES: {
  key: string;
  label: string;
  unit: string;
  value: keyof ComparisonFigures;
  direction: MetricResult["direction"];
}[] = [
  {
    key: "performance.throughput_improvement",
    label: "Throughput improvement over one device",
    unit: "x",
    value: "throughputImprovement",
    direction: "higher_is_better",
  },
  {
    key: "performance.latency_factor",
    label: "Latency, distributed / single device",
    unit: "x",
    value: "latencyFactor",
    direction: "lower_is_better",
  },
  {
    key: "performance.scaling_efficiency_pct",
    label: "Scaling efficiency",
    unit: "%",
    value: "scalingEfficiencyPct",
    direction: "higher_is_better",
  },
  {
    key: "performance.cost_effectiveness",
    label: "Tokens per cost, distributed / single device",
    unit: "x",
    value: "costEffectiveness",
    direction: "higher_is_better",
  },
];

/** Each mode's throughput and latency, then every comparison figure that could be computed. */
export function compareMetrics(
  distributed: ModeMeasurement | null,
  singleDevice: ModeMeasurement | null,
  figures: ComparisonFigures,
): MetricResult[] {
  const metrics: MetricResult[] = [];
  if (distributed) metrics.push(...modeMetrics(distributed, "distributed", "Distributed"));
  if (singleDevice) metrics.push(...modeMetrics(singleDevice, "single_device", "Single device"));
  for (const f of FIGURES) {
    const value = figures[f.value];
    if (value !== null)
      metrics.push(
        makeMetric({
          key: f.key,
          component: "performance",
          label: f.label,
          unit: f.unit,
          direction: f.direction,
          samples: [value],
        }),
      );
  }
  return metrics;
}
