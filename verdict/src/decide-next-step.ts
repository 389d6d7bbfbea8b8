import { studentTQuantile } from "./stats/index.js";
import type { MetricVerdict, Verdict } from "./metric-verdict.js";

/** What the pipeline does after the screen: stop, run the suite again, or confirm with A/B pairs. */
export type NextStep =
  { kind: "done" } | { kind: "rerun" } | { kind: "confirm"; pairs: number; metrics: string[] };

export interface NextStepOptions {
  /** Pairs to run; unset: sized from the metrics' noise so the paired MDE meets the threshold. */
  confirmPairs?: number | undefined;
  /** Most pairs; a sized or requested count is clamped to it. */
  maxPairs: number;
  alpha?: number;
  power?: number;
}

/** Fewest pairs the sizing proposes: 3 degrees of freedom keep the t quantile within reason. */
export const MIN_CONFIRM_PAIRS = 4;

/**
 * The one decision of what to run after the screen, pure so the evaluation's replay does exactly
 * what the pipeline does:
 * - a gated metric the screen could not fail on one run (`needsConfirmation`) → "confirm" with the
 *   verdict's gated inconclusive metrics, sized from their noise;
 * - otherwise an inconclusive verdict → "rerun" (more samples of the same run can decide);
 * - anything else (decided, failed, no baseline, bad input) → "done".
 * Throws RangeError for a pair count that is not an integer ≥ 2.
 */
export function decideNextStep(screen: Verdict, opts: NextStepOptions): NextStep {
  checkPairs("maxPairs", opts.maxPairs);
  if (opts.confirmPairs !== undefined) checkPairs("confirmPairs", opts.confirmPairs);
  if (screen.kind !== "inconclusive") return { kind: "done" };
  const open = screen.metrics.filter((m) => m.gated && m.outcome === "inconclusive");
  if (!open.some((m) => m.needsConfirmation)) return { kind: "rerun" };
  const wanted = opts.confirmPairs ?? Math.max(...open.map((m) => sizePairs(m, open.length, opts)));
  return {
    kind: "confirm",
    pairs: Math.min(opts.maxPairs, Math.max(2, wanted)),
    metrics: open.map((m) => m.key),
  };
}

/**
 * Pairs at which the paired test's MDE reaches the metric's threshold, taking the paired
 * difference's noise as √2 × one run's run-to-run noise (what the history shows; pairing only
 * removes drift, so this errs towards more pairs). MIN_CONFIRM_PAIRS at least; the caller clamps.
 */
export function sizePairs(
  m: Pick<MetricVerdict, "thresholdPct" | "evidence">,
  familySize: number,
  opts: Pick<NextStepOptions, "alpha" | "power" | "maxPairs">,
): number {
  const noisePct = m.evidence?.runNoisePct;
  if (noisePct === undefined || !Number.isFinite(noisePct) || noisePct <= 0)
    return MIN_CONFIRM_PAIRS;
  const sd = Math.SQRT2 * Math.log(1 + noisePct / 100);
  const threshold = Math.log(1 + m.thresholdPct / 100);
  const alpha = (opts.alpha ?? 0.01) / Math.max(1, familySize);
  const power = opts.power ?? 0.8;
  for (let n = MIN_CONFIRM_PAIRS; n < opts.maxPairs; n++) {
    const df = n - 1;
    const mde =
      (studentTQuantile(1 - alpha, df) + studentTQuantile(power, df)) * (sd / Math.sqrt(n));
    if (mde <= threshold) return n;
  }
  return Math.max(MIN_CONFIRM_PAIRS, opts.maxPairs);
}

function checkPairs(name: string, n: number): void {
  if (!Number.isInteger(n) || n < 2)
    throw new RangeError(`${name} must be an integer of at least 2, got ${String(n)}`);
}
