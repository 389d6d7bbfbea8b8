import { drawIndex, drawNormal, type Rng } from "./rng.js";
import { medianOfSorted } from "./median.js";

export interface BootstrapOptions {
  rng: Rng;
  /** Number of resamples (default 2000). */
  resamples?: number;
  /** Two-sided confidence level of the interval (default 0.95). */
  confidence?: number;
  /**
   * Standard deviation (log scale) of noise the samples cannot show, added to every replicate:
   * run-to-run noise of the default branch that one pair of runs hides. A function receives the
   * replicates' own standard deviation, so the caller can top up to a known total.
   */
  extraSd?: number | ((withinSd: number) => number);
}

export interface BootstrapInterval {
  /** log(median(x) / median(y)) of the data. */
  estimate: number;
  lower: number;
  upper: number;
  /** Standard deviation of the replicates before `extraSd` was added: the within-run precision. */
  withinSd: number;
}

/**
 * Percentile bootstrap of the log ratio of medians of two samples already on the log scale.
 * Each resample's median is read off the sorted data from resampling counts, so a replicate costs
 * O(n) instead of a sort.
 */
export function bootstrapLogRatioOfMedians(
  logX: readonly number[],
  logY: readonly number[],
  options: BootstrapOptions,
): BootstrapInterval {
  const resamples = options.resamples ?? 2000;
  const confidence = options.confidence ?? 0.95;
  if (logX.length === 0 || logY.length === 0)
    throw new RangeError("bootstrap needs two non-empty samples");
  if (!(resamples >= 10)) throw new RangeError(`resamples must be at least 10 (got ${resamples})`);
  const sx = Float64Array.from(logX).sort();
  const sy = Float64Array.from(logY).sort();
  const counts = new Int32Array(Math.max(sx.length, sy.length));
  const raw = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    raw[r] = resampleMedian(sx, counts, options.rng) - resampleMedian(sy, counts, options.rng);
  }
  let mean = 0;
  for (const v of raw) mean += v;
  mean /= resamples;
  let ss = 0;
  for (const v of raw) ss += (v - mean) ** 2;
  const withinSd = Math.sqrt(ss / (resamples - 1));
  const extra = options.extraSd ?? 0;
  const extraSd = typeof extra === "function" ? extra(withinSd) : extra;
  if (extraSd > 0)
    for (let r = 0; r < resamples; r++) raw[r] = (raw[r] ?? 0) + extraSd * drawNormal(options.rng);
  raw.sort();
  const tail = (1 - confidence) / 2;
  return {
    estimate: medianOfSorted(sx) - medianOfSorted(sy),
    lower: readQuantile(raw, tail),
    upper: readQuantile(raw, 1 - tail),
    withinSd,
  };
}

function resampleMedian(sorted: Float64Array, counts: Int32Array, rng: Rng): number {
  const n = sorted.length;
  counts.fill(0, 0, n);
  for (let i = 0; i < n; i++) {
    const k = drawIndex(rng, n);
    counts[k] = (counts[k] ?? 0) + 1;
  }
  // 0-based positions of the middle element(s) of the resample in sorted order.
  const lowPos = (n - 1) >> 1;
  const highPos = n >> 1;
  let seen = 0;
  let low = Number.NaN;
  for (let k = 0; k < n; k++) {
    seen += counts[k] ?? 0;
    if (Number.isNaN(low) && seen > lowPos) low = sorted[k] ?? Number.NaN;
    if (seen > highPos) return (low + (sorted[k] ?? Number.NaN)) / 2;
  }
  return low;
}

function readQuantile(sorted: Float64Array, q: number): number {
  const pos = q * (sorted.length - 1);
  const i = Math.floor(pos);
  const frac = pos - i;
  const a = sorted[i] ?? Number.NaN;
  const b = sorted[Math.min(i + 1, sorted.length - 1)] ?? a;
  return a + (b - a) * frac;
}
