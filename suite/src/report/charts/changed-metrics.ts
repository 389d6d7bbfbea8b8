import type { MetricVerdict, RunResult } from "@mlxbench/proto";
import { decidingInterval } from "@mlxbench/verdict";
import type { BaselineVsRunInput } from "./baseline-vs-run-chart.js";

// Which metrics get a baseline-vs-run chart, in which order, and the chart's input from the
// archived verdict and the two runs' samples: one rule for the run page and the PR comment.

/** Outcomes where the picture helps: something moved, or might have. */
const CHARTED = ["regressed", "inconclusive", "improved"] as const;

/** Regressed, inconclusive and improved metrics with a change, gated first, then in that order. */
export function chartedChanges<
  M extends { key: string; gated: boolean; outcome: string | null; change: unknown },
>(metrics: readonly M[]): M[] {
  const charted: readonly (string | null)[] = CHARTED;
  const rank = (m: M) => (m.gated ? 0 : 10) + charted.indexOf(m.outcome);
  return metrics
    .filter((m) => m.change !== null && charted.includes(m.outcome))
    .sort((a, b) => rank(a) - rank(b));
}

/**
 * The chart's input for one metric of the verdict, or null when it has no change or either run
 * lacks its samples (an old archive, or a baseline no longer stored).
 */
export function baselineVsRunInputOf(
  m: MetricVerdict,
  current: RunResult | null,
  baseline: RunResult | null,
): BaselineVsRunInput | null {
  const cur = current?.metrics.find((x) => x.key === m.key);
  const base = baseline?.metrics.find((x) => x.key === m.key);
  if (!m.change || !cur?.samples.length || !base?.samples.length) return null;
  return {
    label: cur.label,
    unit: m.unit,
    outcome: m.outcome,
    baselineSamples: base.samples,
    currentSamples: cur.samples,
    // The interval the decision used (the A/B pairs' when they ran), as the label beside it says.
    change: decidingInterval(m) ?? m.change,
    thresholdPct: m.thresholdPct,
  };
}
