import { studentTQuantile } from "./stats/index.js";
import type { MeasuredMetric } from "./compare-metric.js";
import { formatLevel, formatP, formatScreenChange } from "./format-change.js";
import { computeMdePct, formatMde } from "./compute-mde.js";
import { computePairedMde } from "./decide-next-step.js";
import type { MetricEvidence, MetricVerdict } from "./metric-verdict.js";
import type { VerdictConfig } from "./verdict-config.js";

/** Run-to-run noise dominates when it is more than this share of one run's location variance. */
export const DOMINANCE_SHARE = 0.5;
/** Decides the outcome once the run-wide (Holm) adjusted p-values are known. */
export function classifyMetric(
  m: MeasuredMetric,
  adjusted: { worse: number; better: number },
  familySize: number,
  config: VerdictConfig,
): MetricVerdict {
  const v = m.verdict;
  const threshold = Math.log(1 + v.thresholdPct / 100);
  const evidence: MetricEvidence | null =
    v.evidence === null
      ? null
      : { ...v.evidence, adjustedWorseP: adjusted.worse, adjustedBetterP: adjusted.better };
  const mdeAt = (power: number): number | null =>
    computeMdePct({
      runVariance: m.runVariance,
      levelRuns: m.levelRuns,
      df: m.runNoiseDf,
      alpha: config.alpha / Math.max(1, familySize),
      power,
    });
  const mdePct = mdeAt(config.power);
  const base = { ...v, evidence, mdePct };
  const shown = formatScreenChange(v);
  // Run-to-run noise dominates, or one run cannot reliably see a threshold-sized change: a call
  // near the threshold is then a close call, and only A/B pairs may decide it.
  const dominated = (evidence?.runNoiseShare ?? 0) > DOMINANCE_SHARE;
  const closeMde = mdeAt(config.closeCallPower);
  const blunt = closeMde === null || closeMde > v.thresholdPct;
  const worse = adjusted.worse <= config.alpha && m.worse > 0;
  const better = adjusted.better <= config.alpha && m.worse < 0;
  // The threshold must lie inside or below the interval: a change shown to be smaller never fails.
  if (worse && m.worseUpper >= threshold) {
    if (dominated || blunt) {
      const why = dominated ? "run-to-run noise dominates" : describeBlunt(closeMde, config);
      return {
        ...base,
        outcome: "inconclusive",
        needsConfirmation: true,
        reason: `${v.key} flagged by the screen: ${shown} (p=${formatP(adjusted.worse)}), but ${why}; a paired A/B run confirms before it can fail`,
      };
    }
    return {
      ...base,
      outcome: "regressed",
      reason: `${v.key} regressed: ${shown} (p=${formatP(adjusted.worse)})`,
    };
  }
  if (better && -m.worseLower >= threshold) {
    return {
      ...base,
      outcome: "improved",
      reason: `${v.key} improved: ${shown} (p=${formatP(adjusted.better)})`,
    };
  }
  if (worse || better) {
    return {
      ...base,
      outcome: "unchanged",
      reason: `${v.key} unchanged in practice: ${shown} is real but within the ${v.thresholdPct} % threshold`,
    };
  }
  const hinted = (v.evidence?.worseP ?? 1) <= config.inconclusiveP;
  if (m.worse >= threshold && hinted) {
    const needed = estimateSamplesNeeded(m, familySize, config);
    const advice =
      needed === null
        ? "run-to-run noise dominates; more runs, not more samples, would decide"
        : `about ${needed} samples per run would decide`;
    return {
      ...base,
      outcome: "inconclusive",
      needsConfirmation: dominated || blunt || needed === null,
      reason: `${v.key} inconclusive: ${shown} but within noise (p=${formatP(adjusted.worse)}); ${advice}`,
      moreSamplesNeeded: needed,
    };
  }
  // The screen passes a metric only when its interval rules out a threshold-sized worsening (the
  // readers' own rule, describeChange). An interval that reaches the threshold is a close call for
  // A/B pairs when it leans worse against the robust run-to-run noise alone (the rank test on one
  // run's samples cannot speak to it), or when the pairs a confirmation would run could settle it.
  if (m.worseUpper >= threshold) {
    const leans = m.worse > 0 && m.leanP <= config.closeCallP;
    if (leans)
      return {
        ...base,
        outcome: "inconclusive",
        needsConfirmation: true,
        reason: `${v.key} a close call: ${shown} leans worse (p=${formatP(m.leanP)} against robust run-to-run noise) and the screen cannot settle it; a paired A/B run decides`,
      };
    if (pairsCanSettle(m.robustNoisePct, threshold, config))
      return {
        ...base,
        outcome: "inconclusive",
        needsConfirmation: true,
        straddle: true,
        reason: `${v.key} a close call: ${shown} reaches the ${v.thresholdPct} % threshold, so one run cannot rule out a threshold-sized worsening; A/B pairs decide it, at the stricter level ${formatLevel(config.straddleAlpha)} as the screen did not lean worse`,
      };
    return {
      ...base,
      outcome: "unchanged",
      reason: `${v.key} unchanged as far as one run can tell: ${shown} reaches the ${v.thresholdPct} % threshold, but run-to-run noise of ${formatMde(m.robustNoisePct)} % is too much for ${pairsToRun(config)} A/B pairs to settle it`,
    };
  }
  return { ...base, outcome: "unchanged", reason: `${v.key} unchanged: ${shown}` };
}

/** Most pairs a confirmation would run: the fixed count when one is set, else the cap. */
function pairsToRun(config: VerdictConfig): number {
  return Math.min(config.confirmPairs ?? config.maxPairs, config.maxPairs);
}

/**
 * Whether the pairs a confirmation would run (at most maxPairs) would detect a threshold-sized
 * worsening at `straddlePower` or more, at the level that will judge them (`straddleAlpha`),
 * against one run's robust run-to-run noise (the trimmed paired test is robust to spikes as well).
 */
function pairsCanSettle(robustNoisePct: number, threshold: number, config: VerdictConfig): boolean {
  if (!Number.isFinite(robustNoisePct) || robustNoisePct <= 0) return false;
  const mde = computePairedMde(robustNoisePct, pairsToRun(config), {
    alpha: config.straddleAlpha,
    power: config.straddlePower,
    trim: config.confirmTrim,
  });
  return mde <= threshold;
}

function describeBlunt(closeMde: number | null, config: VerdictConfig): string {
  return closeMde === null
    ? "one run's noise is unknown"
    : `one run resolves only changes over ${formatMde(closeMde)} % at power ${config.closeCallPower}`;
}

/**
 * Samples per run at which the observed gap would pass the first Holm step, holding the effect and
 * the run-to-run noise fixed; null when the run-to-run part alone is too large.
 */
function estimateSamplesNeeded(
  m: MeasuredMetric,
  familySize: number,
  config: VerdictConfig,
): number | null {
  const critical = studentTQuantile(1 - config.alpha / Math.max(1, familySize), m.runNoiseDf);
  const allowedVariance = (m.levelGap / critical) ** 2 / (1 + 1 / m.levelRuns);
  const room = allowedVariance - m.runToRunVariance;
  if (!(room > 0) || !Number.isFinite(critical)) return null;
  const needed = Math.ceil(m.withinVariancePerSample / room);
  return Math.max(needed, m.verdict.samples.current + 1);
}
