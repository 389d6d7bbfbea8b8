import { drawIndex, type Rng } from "./rng.js";

export interface ChangePointOptions {
  rng: Rng;
  /** Permutations per significance test (default 199: p-values resolve to 0.005). */
  permutations?: number;
  /** A split is kept when its permutation p-value is at most this (default 0.05). */
  significance?: number;
  /** Fewest points on either side of a change (default 3). */
  minSegment?: number;
  /** Stop after this many change points (default: no limit). */
  maxChangePoints?: number;
}

interface Split {
  start: number;
  end: number;
  index: number;
  q: number;
}

/**
 * E-divisive means (Matteson & James 2014, the method of MongoDB's and Apache Otava's performance
 * CI): repeatedly split the series where the energy distance between the two sides is largest,
 * keeping a split only when it beats the same statistic on permuted segments. Returns the indices
 * where a new level begins, ascending. Non-finite values are rejected, not skipped, so an index
 * always means the same position in the caller's series.
 */
export function detectChangePoints(
  series: readonly number[],
  options: ChangePointOptions,
): number[] {
  const permutations = options.permutations ?? 199;
  const significance = options.significance ?? 0.05;
  const minSegment = options.minSegment ?? 3;
  const maxChangePoints = options.maxChangePoints ?? Number.POSITIVE_INFINITY;
  const bad = series.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0)
    throw new RangeError(
      `series[${bad}] is ${String(series[bad])}; change points need finite values`,
    );
  if (!Number.isInteger(minSegment) || minSegment < 1)
    throw new RangeError(`minSegment must be a positive integer (got ${minSegment})`);
  if (!Number.isInteger(permutations) || permutations < 1)
    throw new RangeError(`permutations must be a positive integer (got ${permutations})`);

  const boundaries = [0, series.length];
  const found: number[] = [];
  while (found.length < maxChangePoints) {
    const best = findBestSplit(series, boundaries, minSegment);
    if (best === null) break;
    let atLeastAsLarge = 0;
    for (let r = 0; r < permutations; r++) {
      const shuffled = shuffleWithinSegments(series, boundaries, options.rng);
      const permuted = findBestSplit(shuffled, boundaries, minSegment);
      if (permuted !== null && permuted.q >= best.q) atLeastAsLarge++;
    }
    const p = (atLeastAsLarge + 1) / (permutations + 1);
    if (p > significance) break;
    found.push(best.index);
    boundaries.push(best.index);
    boundaries.sort((a, b) => a - b);
  }
  return found.sort((a, b) => a - b);
}

function findBestSplit(
  values: readonly number[],
  boundaries: readonly number[],
  minSegment: number,
): Split | null {
  let best: Split | null = null;
  for (let s = 0; s + 1 < boundaries.length; s++) {
    const start = boundaries[s] ?? 0;
    const end = boundaries[s + 1] ?? 0;
    const split = splitSegment(values, start, end, minSegment);
    if (split !== null && (best === null || split.q > best.q)) best = split;
  }
  return best;
}

/** Best split of values[start, end) by the scaled energy statistic, in O(n²). */
function splitSegment(
  values: readonly number[],
  start: number,
  end: number,
  minSegment: number,
): Split | null {
  const n = end - start;
  if (n < 2 * minSegment) return null;
  let total = 0;
  for (let i = start; i < end; i++)
    for (let j = i + 1; j < end; j++) total += Math.abs((values[i] ?? 0) - (values[j] ?? 0));
  let sumLeft = 0;
  let sumRight = total;
  let sumCross = 0;
  let best: Split | null = null;
  for (let t = start; t < end - minSegment; t++) {
    // Move values[t] from the right side to the left side.
    const v = values[t] ?? 0;
    let toLeft = 0;
    for (let i = start; i < t; i++) toLeft += Math.abs((values[i] ?? 0) - v);
    let toRight = 0;
    for (let j = t + 1; j < end; j++) toRight += Math.abs((values[j] ?? 0) - v);
    sumLeft += toLeft;
    sumRight -= toRight;
    sumCross += toRight - toLeft;
    const left = t - start + 1;
    const right = n - left;
    if (left < minSegment) continue;
    const within = (count: number, sum: number): number =>
      count < 2 ? 0 : sum / ((count * (count - 1)) / 2);
    const energy =
      (2 * sumCross) / (left * right) - within(left, sumLeft) - within(right, sumRight);
    const q = ((left * right) / n) * energy;
    if (best === null || q > best.q) best = { start, end, index: t + 1, q };
  }
  return best;
}

function shuffleWithinSegments(
  values: readonly number[],
  boundaries: readonly number[],
  rng: Rng,
): number[] {
  const out = [...values];
  for (let s = 0; s + 1 < boundaries.length; s++) {
    const start = boundaries[s] ?? 0;
    const end = boundaries[s + 1] ?? 0;
    for (let i = end - 1; i > start; i--) {
      const j = start + drawIndex(rng, i - start + 1);
      const tmp = out[i] ?? 0;
      out[i] = out[j] ?? 0;
      out[j] = tmp;
    }
  }
  return out;
}
