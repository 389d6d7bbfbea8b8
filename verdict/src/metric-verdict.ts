import type { Direction } from "@mlxbench/proto";

export const METRIC_OUTCOMES = [
  "regressed",
  "improved",
  "unchanged",
  "inconclusive",
  /** In the baseline, absent from this run. */
  "missing",
  /** In this run, absent from the baseline: nothing to compare with. */
  "new",
  /** Zero or one usable sample in one of the runs. */
  "insufficient_samples",
  /** NaN, ±Infinity or non-positive samples, or the two runs disagree on the metric's direction. */
  "invalid",
] as const;
export type MetricOutcome = (typeof METRIC_OUTCOMES)[number];

/** How the two runs differ, current relative to baseline, in percent (+ means the value went up). */
export interface MetricChange {
  /** median(current) / median(baseline). */
  ratio: number;
  percent: number;
  /** Bootstrap interval of `percent`, widened by the default branch's run-to-run noise. */
  lowerPercent: number;
  upperPercent: number;
}

export interface MetricEvidence {
  /** Mann–Whitney U of this run's samples against those of the recent default-branch runs (ending with the baseline), two-sided. */
  rankP: number;
  rankMethod: "exact" | "normal";
  /** Student t of this run's median against the default branch's recent level and run-to-run noise. */
  runNoiseP: number;
  /** One-sided p that the metric got worse: both tests must agree, so the larger of their one-sided p-values. */
  worseP: number;
  /** Likewise towards better. */
  betterP: number;
  /** Holm-adjusted across the run's metrics; a regression needs this ≤ alpha. */
  adjustedWorseP: number;
  adjustedBetterP: number;
  /** Run-to-run noise of one run's median, percent. */
  runNoisePct: number;
  /** History runs the noise was measured on (0 when assumed). */
  historyRuns: number;
  runNoiseAssumed: boolean;
}

export interface MetricVerdict {
  key: string;
  unit: string;
  direction: Direction;
  /** Whether this metric can fail the check. */
  gated: boolean;
  outcome: MetricOutcome;
  /** One line a person understands. */
  reason: string;
  thresholdPct: number;
  samples: { current: number; baseline: number };
  change: MetricChange | null;
  evidence: MetricEvidence | null;
  /** For inconclusive: samples per run that would likely decide; null when more samples cannot (run noise dominates). */
  moreSamplesNeeded: number | null;
}
