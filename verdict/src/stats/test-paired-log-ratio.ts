import type { Direction } from "@mlxbench/proto";
import { studentTQuantile, studentTTwoSidedP } from "./distributions.js";

/** One A/B pair: the same metric's value (a run's median) on the base and on the head. */
export interface ValuePair {
  base: number;
  head: number;
}

export interface PairedLogRatio {
  pairs: number;
  /** Mean of log(head / base): the log of the geometric-mean ratio. */
  estimate: number;
  /** Interval of `estimate` at `level`, two-sided. */
  lower: number;
  upper: number;
  /** Standard error of `estimate`. */
  se: number;
  /** One-sided p that head is worse than base (in the metric's direction); likewise better. */
  worseP: number;
  betterP: number;
  method: "paired-t";
}

/** Paired input that no test can use: too few pairs, or values that are not finite and positive. */
export class PairedInputError extends RangeError {
  override readonly name = "PairedInputError";
}

/**
 * Paired t-test on d = log(head / base) over A/B pairs run interleaved on one cluster: drift and
 * the cluster's state are shared within a pair, so they cancel in d. The t interval and p assume
 * the pairs' differences are roughly normal on the log scale, which the pairing makes plausible
 * (each d is a difference of two run medians); a sign-flip permutation would drop that assumption
 * but cannot resolve p below 2^−n, too coarse for 4–12 pairs at alpha 0.01.
 * Throws PairedInputError for fewer than 2 pairs or a value that is NaN, infinite or ≤ 0.
 */
export function testPairedLogRatio(
  pairs: readonly ValuePair[],
  options: { direction: Direction; level?: number },
): PairedLogRatio {
  const level = options.level ?? 0.95;
  if (!(level > 0 && level < 1))
    throw new PairedInputError(`level must be between 0 and 1, got ${level}`);
  if (pairs.length < 2)
    throw new PairedInputError(`a paired test needs at least 2 A/B pairs, got ${pairs.length}`);
  pairs.forEach((p, i) => {
    for (const side of ["base", "head"] as const) {
      const v = p[side];
      if (!Number.isFinite(v) || v <= 0)
        throw new PairedInputError(
          `pair ${i + 1}: ${side} value ${String(v)} is not a finite positive number`,
        );
    }
  });
  const d = pairs.map((p) => Math.log(p.head / p.base));
  const n = d.length;
  const mean = d.reduce((a, b) => a + b, 0) / n;
  const variance = d.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1);
  const se = Math.sqrt(variance / n);
  const df = n - 1;
  const half = studentTQuantile(1 - (1 - level) / 2, df) * se;
  // Identical differences: no spread, so the sign of the mean is certain (or nothing changed).
  const t = se > 0 ? mean / se : mean === 0 ? 0 : Math.sign(mean) * Number.POSITIVE_INFINITY;
  const twoSided = Number.isFinite(t) ? studentTTwoSidedP(t, df) : 0;
  const upP = t > 0 ? twoSided / 2 : 1 - twoSided / 2; // P that head is higher, one-sided
  const downP = t < 0 ? twoSided / 2 : 1 - twoSided / 2;
  const [worseP, betterP] = options.direction === "lower_is_better" ? [upP, downP] : [downP, upP];
  return {
    pairs: n,
    estimate: mean,
    lower: mean - half,
    upper: mean + half,
    se,
    worseP: t === 0 ? 0.5 : worseP,
    betterP: t === 0 ? 0.5 : betterP,
    method: "paired-t",
  };
}
