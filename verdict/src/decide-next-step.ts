import { MIN_TRIM_PAIRS, studentTQuantile } from "./stats/index.js";
import type { MetricVerdict, Verdict } from "./metric-verdict.js";
import type { VerdictConfig } from "./verdict-config.js";

/**
 * What the pipeline does after the screen: stop (with a note when a confirmation was wanted but is
 * off), run the suite again, or confirm with A/B pairs (`requested`: a person asked for it).
 */
export type NextStep =
  | { kind: "done"; note?: string }
  | { kind: "rerun" }
  | { kind: "confirm"; pairs: number; metrics: string[]; requested?: boolean };

/**
 * When a confirmation runs: `automatic` for close calls (the default), `requested` whatever the
 * screen said (`/benchmark confirm`), `off` never (`confirmation.automatic: false`), `push` never
 * automatically on a push to the default branch (no pull request to gate; see docs/verdict-method.md).
 */
export type ConfirmMode = "automatic" | "requested" | "off" | "push";

export interface NextStepOptions {
  /** Default "automatic". */
  confirm?: ConfirmMode;
  /** Pairs to run; unset: sized from the metrics' noise so the paired MDE meets the threshold. */
  confirmPairs?: number | undefined;
  /** Most pairs; a sized or requested count is clamped to it. */
  maxPairs: number;
  /** Level of the paired test the pairs are sized for (the confirmation's, not the screen's). */
  alpha?: number;
  /** The level instead for a metric automatic pairs confirm only for its straddle (judgePairs' rule). */
  straddleAlpha?: number;
  /** Power at which the sized pairs resolve the threshold. */
  power?: number;
  /** Yuen's trimming share of the paired test (from MIN_TRIM_PAIRS on); it costs degrees of freedom. */
  trim?: number;
}

/**
 * The pipeline's and the replay's options for decideNextStep from one config, so the pairs are
 * sized for the test that will judge them: confirmAlpha, confirmPower and confirmTrim.
 */
export function deriveNextStepOptions(config: VerdictConfig): NextStepOptions {
  return {
    maxPairs: config.maxPairs,
    ...(config.confirmPairs !== undefined ? { confirmPairs: config.confirmPairs } : {}),
    alpha: config.confirmAlpha,
    straddleAlpha: config.straddleAlpha,
    power: config.confirmPower,
    trim: config.confirmTrim,
  };
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
  const mode = opts.confirm ?? "automatic";
  if (mode === "requested") return requestedStep(screen, opts);
  if (screen.kind !== "inconclusive") return { kind: "done" };
  const open = screen.metrics.filter((m) => m.gated && m.outcome === "inconclusive");
  if (!open.some((m) => m.needsConfirmation)) return { kind: "rerun" };
  if (mode === "off")
    return {
      kind: "done",
      note: `The screen's call on ${open.map((m) => m.key).join(", ")} is close under run-to-run noise; automatic confirmation is off (confirmation.automatic: false), so comment \`/benchmark confirm\` to decide it with A/B pairs.`,
    };
  if (mode === "push")
    return {
      kind: "done",
      note: `The screen's call on ${open.map((m) => m.key).join(", ")} is close under run-to-run noise; a push is not confirmed with A/B pairs (there is no pull request to gate, and the next pushes' runs settle the trend), so it stays inconclusive.`,
    };
  return {
    kind: "confirm",
    pairs: pairsFor(open, opts, false),
    metrics: open.map((m) => m.key),
  };
}

/** A confirmation a person asked for: every gated metric the screen compared, whatever it said. */
function requestedStep(screen: Verdict, opts: NextStepOptions): NextStep {
  const compared =
    screen.kind === "validation_failed"
      ? []
      : screen.metrics.filter((m) => m.gated && m.change !== null);
  if (compared.length === 0)
    return {
      kind: "done",
      note:
        screen.kind === "validation_failed"
          ? "A confirmation was requested, but validation failed: A/B pairs cannot change that."
          : "A confirmation was requested, but no gated metric was compared with a baseline, so there is nothing for A/B pairs to decide.",
    };
  return {
    kind: "confirm",
    pairs: pairsFor(compared, opts, true),
    metrics: compared.map((m) => m.key),
    requested: true,
  };
}

/** Pairs for the metrics, each sized at the level judgePairs will decide it at. */
function pairsFor(
  metrics: readonly MetricVerdict[],
  opts: NextStepOptions,
  requested: boolean,
): number {
  const levelOf = (m: MetricVerdict): number =>
    (m.straddle === true && !requested ? opts.straddleAlpha : undefined) ?? opts.alpha ?? 0.01;
  const wanted =
    opts.confirmPairs ??
    Math.max(...metrics.map((m) => sizePairs(m, metrics.length, { ...opts, alpha: levelOf(m) })));
  return Math.min(opts.maxPairs, Math.max(2, wanted));
}

/**
 * Pairs at which the paired test's MDE reaches the metric's threshold, taking the paired
 * difference's noise as √2 × one run's run-to-run noise (what the history shows; pairing only
 * removes drift, so this errs towards more pairs) and, from MIN_TRIM_PAIRS on, Yuen's test's
 * degrees of freedom (the trimmed count less one). MIN_CONFIRM_PAIRS at least; the caller clamps.
 */
export function sizePairs(
  m: Pick<MetricVerdict, "thresholdPct" | "evidence">,
  familySize: number,
  opts: Pick<NextStepOptions, "alpha" | "power" | "maxPairs" | "trim">,
): number {
  const noisePct = m.evidence?.runNoisePct;
  if (noisePct === undefined || !Number.isFinite(noisePct) || noisePct <= 0)
    return MIN_CONFIRM_PAIRS;
  const threshold = Math.log(1 + m.thresholdPct / 100);
  const at = { ...opts, alpha: (opts.alpha ?? 0.01) / Math.max(1, familySize) };
  for (let n = MIN_CONFIRM_PAIRS; n < opts.maxPairs; n++)
    if (computePairedMde(noisePct, n, at) <= threshold) return n;
  return Math.max(MIN_CONFIRM_PAIRS, opts.maxPairs);
}

/**
 * The paired test's minimum detectable effect (log scale) over `pairs` A/B pairs at `power`, one-sided
 * at `alpha`, taking the paired difference's noise as √2 × one run's run-to-run noise (`noisePct`)
 * and, from MIN_TRIM_PAIRS on, Yuen's test's degrees of freedom (the trimmed count less one).
 */
export function computePairedMde(
  noisePct: number,
  pairs: number,
  opts: Pick<NextStepOptions, "alpha" | "power" | "trim">,
): number {
  const sd = Math.SQRT2 * Math.log(1 + noisePct / 100);
  const alpha = opts.alpha ?? 0.01;
  const power = opts.power ?? 0.8;
  const trim = opts.trim ?? 0;
  const trimmed = pairs >= MIN_TRIM_PAIRS ? Math.floor(trim * pairs) : 0;
  const df = pairs - 1 - 2 * trimmed;
  // Yuen's standard error on normal differences is ~7 % above the mean's at 20 % trimming.
  const inflation = trimmed > 0 ? 1 + 0.35 * trim : 1;
  return (
    (studentTQuantile(1 - alpha, df) + studentTQuantile(power, df)) *
    ((inflation * sd) / Math.sqrt(pairs))
  );
}

function checkPairs(name: string, n: number): void {
  if (!Number.isInteger(n) || n < 2)
    throw new RangeError(`${name} must be an integer of at least 2, got ${String(n)}`);
}
