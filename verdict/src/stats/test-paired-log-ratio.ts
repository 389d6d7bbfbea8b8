import type { Direction } from "@mlxbench/proto";
import { studentTQuantile, studentTTwoSidedP } from "./distributions.js";
import { medianOfSorted } from "./median.js";

/** One A/B pair: the same metric's value (a run's location, e.g. Hodges–Lehmann) on the base and on the head. */
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
  /** "paired-yuen" when pairs were trimmed (Yuen's trimmed mean), else the plain paired t. */
  method: "paired-t" | "paired-yuen";
  /** Pairs trimmed from each end of the sorted differences. */
  trimmed: number;
}

/** Fewest pairs from which the differences are trimmed: below it one pair is too large a share. */
export const MIN_TRIM_PAIRS = 10;

/**
 * Below MIN_TRIM_PAIRS, one pair is cut from each end when an end lies more than this many robust
 * sds (1.4826 · MAD) from the median difference: a spiked pair, not the spread of the rest.
 */
export const SPIKE_ROBUST_SDS = 5;
/** Fewest pairs from which a spiked pair may be cut (the trimmed test keeps at least 3). */
export const MIN_SPIKE_TRIM_PAIRS = 5;

/** Paired input that no test can use: too few pairs, or values that are not finite and positive. */
export class PairedInputError extends RangeError {
  override readonly name = "PairedInputError";
}

/**
 * Paired t-test on d = log(head / base) over A/B pairs run interleaved on one cluster: drift and
 * the cluster's state are shared within a pair, so they cancel in d. With `trim` > 0 and at least
 * MIN_TRIM_PAIRS pairs it is Yuen's test: the mean of d with ⌊trim · n⌋ pairs cut from each end and
 * the winsorized variance, so one pair hit by a spike (a thermal throttle, a background index) cannot
 * decide alone. Below MIN_TRIM_PAIRS a share-based cut would take too much, so one pair is cut from
 * each end only when an end is a spike (over SPIKE_ROBUST_SDS robust sds from the median). The t interval and p assume the kept differences are roughly normal on the log scale;
 * a sign-flip permutation would drop that but cannot resolve p below 2^−n, too coarse for 4–12 pairs.
 * Throws PairedInputError for fewer than 2 pairs or a value that is NaN, infinite or ≤ 0.
 */
export function testPairedLogRatio(
  pairs: readonly ValuePair[],
  options: { direction: Direction; level?: number; trim?: number },
): PairedLogRatio {
  const level = options.level ?? 0.95;
  if (!(level > 0 && level < 1))
    throw new PairedInputError(`level must be between 0 and 1, got ${level}`);
  const trim = options.trim ?? 0;
  if (!(trim >= 0 && trim < 0.5))
    throw new PairedInputError(`trim must be in [0, 0.5), got ${trim}`);
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
  const d = pairs.map((p) => Math.log(p.head / p.base)).sort((a, b) => a - b);
  const n = d.length;
  const g = n >= MIN_TRIM_PAIRS ? Math.floor(trim * n) : trim > 0 && hasSpikedEnd(d) ? 1 : 0;
  const h = n - 2 * g;
  const kept = d.slice(g, n - g);
  const mean = kept.reduce((a, b) => a + b, 0) / h;
  // Winsorized: the trimmed pairs count at the nearest kept value (g = 0: the plain variance).
  const low = kept[0] ?? 0;
  const high = kept[h - 1] ?? 0;
  const winsorized = d.map((x, i) => (i < g ? low : i >= n - g ? high : x));
  const wMean = winsorized.reduce((a, b) => a + b, 0) / n;
  const wVariance = winsorized.reduce((a, x) => a + (x - wMean) ** 2, 0) / (n - 1);
  const se = Math.sqrt(((n - 1) * wVariance) / (h * (h - 1)));
  const df = h - 1;
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
    method: g > 0 ? "paired-yuen" : "paired-t",
    trimmed: g,
  };
}

/** Whether an end of the sorted differences is a spike: over SPIKE_ROBUST_SDS robust sds out. */
function hasSpikedEnd(sorted: readonly number[]): boolean {
  if (sorted.length < MIN_SPIKE_TRIM_PAIRS) return false;
  const center = medianOfSorted(Float64Array.from(sorted));
  const robustSd =
    1.4826 * medianOfSorted(Float64Array.from(sorted, (x) => Math.abs(x - center)).sort());
  if (!(robustSd > 0)) return false;
  const low = sorted[0] ?? center;
  const high = sorted[sorted.length - 1] ?? center;
  return Math.max(center - low, high - center) > SPIKE_ROBUST_SDS * robustSd;
}
