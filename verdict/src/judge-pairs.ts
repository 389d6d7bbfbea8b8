import type { RunResult } from "@mlxbench/proto";
import {
  adjustHolm,
  PairedInputError,
  testPairedLogRatio,
  type PairedLogRatio,
  type ValuePair,
} from "./stats/index.js";
import { findSampleProblem, summarizeRun } from "./compare-metric.js";
import { concludeFromMetrics } from "./conclude-verdict.js";
import { formatLevel, formatP, formatSigned, toPercent } from "./format-change.js";
import type { MetricVerdict, Verdict } from "./metric-verdict.js";
import type { VerdictConfig } from "./verdict-config.js";

/** One A/B pair of a confirmation: a run of the merge-base and a run of the head, back to back. */
export interface RunPair {
  base: RunResult;
  head: RunResult;
}

/**
 * Per metric key, the (base, head) Hodges–Lehmann locations of each pair, in pair order (as precise
 * as the mean on normal samples, as robust as the median to an outlying sample: more power per pair). A run that lacks the metric
 * or has unusable samples gives NaN there, so the paired test rejects it by name instead of the
 * pair being dropped in silence.
 */
export function collectPairs(
  pairs: readonly RunPair[],
  keys: readonly string[],
): Map<string, ValuePair[]> {
  const valueOf = (run: RunResult, key: string): number => {
    const samples = run.metrics.find((m) => m.key === key)?.samples;
    if (samples === undefined || findSampleProblem(samples, "pair") !== null) return Number.NaN;
    return Math.exp(summarizeRun(samples.map(Math.log)));
  };
  return new Map(
    keys.map((key) => [
      key,
      pairs.map((p) => ({ base: valueOf(p.base, key), head: valueOf(p.head, key) })),
    ]),
  );
}

type PairsByMetric =
  ReadonlyMap<string, readonly ValuePair[]> | Readonly<Record<string, readonly ValuePair[]>>;

function pairsFor(all: PairsByMetric, key: string): readonly ValuePair[] | undefined {
  if (isMap(all)) return all.get(key);
  return Object.hasOwn(all, key) ? all[key] : undefined;
}

function isMap(all: PairsByMetric): all is ReadonlyMap<string, readonly ValuePair[]> {
  return all instanceof Map;
}

/**
 * Tier 2: the screen's verdict with every metric that has pairs decided by the paired test on
 * log(head / base) instead (Yuen's trimmed test from 10 pairs on, below that only a spiked pair cut, Holm across the confirmed metrics
 * at `config.confirmAlpha` — at `config.straddleAlpha` for a metric automatic pairs confirm only for
 * its straddle (`confirmLevelOf`) — the practical threshold inside or below the interval, as in the
 * screen). Pairs end "unchanged" only when their interval lies within ±threshold; an interval that
 * reaches past it without Holm's p at the level ends "inconclusive" (not decided), whichever side it
 * lies on. Unusable pairs (NaN, zeros, fewer than 2) mark that metric
 * invalid, never a pass. Each confirmed metric keeps the screen's change
 * and gains `confirmation`; `tiers` holds both conclusions. A screen that failed validation, or
 * had nothing compared, is returned as it is: pairs cannot change that.
 */
export function judgePairs(
  screen: Verdict,
  pairsByMetric: PairsByMetric,
  config: VerdictConfig,
  opts: JudgePairsOptions = {},
): Verdict {
  if (screen.kind === "validation_failed" || screen.kind === "no_baseline") return screen;
  const tested = new Map<string, PairedLogRatio | PairedInputError>();
  for (const m of screen.metrics) {
    const pairs = pairsFor(pairsByMetric, m.key);
    if (pairs === undefined || m.change === null) continue;
    try {
      tested.set(
        m.key,
        testPairedLogRatio(pairs, {
          direction: m.direction,
          level: config.confidence,
          trim: config.confirmTrim,
        }),
      );
    } catch (err) {
      if (!(err instanceof PairedInputError)) throw err;
      tested.set(m.key, err);
    }
  }
  const ok = [...tested].filter(
    (e): e is [string, PairedLogRatio] => !(e[1] instanceof PairedInputError),
  );
  const worse = adjustHolm(ok.map(([, r]) => r.worseP));
  const better = adjustHolm(ok.map(([, r]) => r.betterP));
  const adjusted = new Map(
    ok.map(([k], i) => [k, { worse: worse[i] ?? 1, better: better[i] ?? 1 }]),
  );
  const metrics = screen.metrics.map((m): MetricVerdict => {
    const r = tested.get(m.key);
    if (r === undefined) return m;
    if (r instanceof PairedInputError)
      return {
        ...m,
        outcome: "invalid",
        needsConfirmation: false,
        reason: `${m.key}: the A/B pairs cannot be judged (${r.message})`,
      };
    const level = confirmLevelOf(m, config, opts);
    return classifyPaired(m, r, adjusted.get(m.key) ?? { worse: 1, better: 1 }, level);
  });
  const summary = concludeFromMetrics(metrics, null);
  const pairs = Math.max(0, ...ok.map(([, r]) => r.pairs));
  return {
    ...summary,
    baseline: screen.baseline,
    metrics,
    tiers: {
      screen: screen.tiers?.screen ?? {
        conclusion: screen.conclusion,
        kind: screen.kind,
        reason: screen.reason,
      },
      confirmation: { ...summary, pairs, metrics: [...tested.keys()] },
    },
  };
}

export interface JudgePairsOptions {
  /** A person asked for the pairs (`/benchmark confirm`): every metric is decided at confirmAlpha. */
  requested?: boolean;
}

/**
 * The level the pairs decide a metric at: `straddleAlpha` when automatic pairs confirm it only
 * because the screen's interval reached the threshold (the screen did not lean worse, so the pairs
 * make the whole case), else `confirmAlpha`. Holm's adjusted p is held against it either way.
 */
export function confirmLevelOf(
  m: Pick<MetricVerdict, "straddle">,
  config: Pick<VerdictConfig, "confirmAlpha" | "straddleAlpha">,
  opts: JudgePairsOptions = {},
): number {
  return m.straddle === true && opts.requested !== true
    ? config.straddleAlpha
    : config.confirmAlpha;
}

function classifyPaired(
  m: MetricVerdict,
  r: PairedLogRatio,
  adjusted: { worse: number; better: number },
  level: number,
): MetricVerdict {
  const threshold = Math.log(1 + m.thresholdPct / 100);
  const orient = m.direction === "lower_is_better" ? 1 : -1;
  const worse = orient * r.estimate;
  const [worseLower, worseUpper] = orient === 1 ? [r.lower, r.upper] : [-r.upper, -r.lower];
  const confirmation = {
    pairs: r.pairs,
    method: r.method,
    percent: toPercent(r.estimate),
    lowerPercent: toPercent(r.lower),
    upperPercent: toPercent(r.upper),
    worseP: r.worseP,
    adjustedWorseP: adjusted.worse,
    screenOutcome: m.outcome,
    level,
  };
  const shown = `${formatSigned(confirmation.percent)} % [${formatSigned(confirmation.lowerPercent)}, ${formatSigned(confirmation.upperPercent)}] over ${r.pairs} A/B pairs`;
  const base = { ...m, confirmation, needsConfirmation: false, moreSamplesNeeded: null };
  const say = (outcome: MetricVerdict["outcome"], reason: string): MetricVerdict => ({
    ...base,
    outcome,
    reason,
  });
  if (adjusted.worse <= level && worse > 0) {
    if (worseUpper >= threshold)
      return say(
        "regressed",
        `${m.key} regressed, confirmed: ${shown} (p=${formatP(adjusted.worse)}, level ${formatLevel(level)})`,
      );
    return say(
      "unchanged",
      `${m.key} unchanged in practice: ${shown} is real but within the ${m.thresholdPct} % threshold`,
    );
  }
  if (adjusted.better <= level && worse < 0) {
    if (-worseLower >= threshold)
      return say(
        "improved",
        `${m.key} improved, confirmed: ${shown} (p=${formatP(adjusted.better)}, level ${formatLevel(level)})`,
      );
    return say(
      "unchanged",
      `${m.key} unchanged in practice: ${shown} is real but within the ${m.thresholdPct} % threshold`,
    );
  }
  // "Unchanged" by the readers' own rule (describeChange): the interval, in percent, within ±threshold.
  const limit = Math.abs(m.thresholdPct);
  const [lowPct, highPct] =
    orient === 1
      ? [confirmation.lowerPercent, confirmation.upperPercent]
      : [-confirmation.upperPercent, -confirmation.lowerPercent];
  if (lowPct >= -limit && highPct <= limit)
    return say("unchanged", `${m.key} unchanged: the screen's flag did not hold up, ${shown}`);
  // Not decided: the interval reaches past the threshold but Holm keeps p above the level. No
  // separate interval rule here: an interval wholly past the threshold at Holm's level (one-sided
  // level / k for k confirmed metrics) already has Holm's adjusted p ≤ level above.
  return say(
    "inconclusive",
    `${m.key} not decided: ${r.pairs} A/B pairs give ${shown} (p=${formatP(Math.min(adjusted.worse, adjusted.better))}, above the level ${formatLevel(level)}), which reaches past the ${m.thresholdPct} % threshold; more pairs would decide`,
  );
}
