/**
 * Median of an ascending array of finite numbers, the kernel of computeMedian for callers that
 * already hold sorted samples. Empty input: NaN (the one contract of this module, see computeMedian).
 */
export function medianOfSorted(sorted: ArrayLike<number>): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const mid = n >> 1;
  if (n % 2 === 1) return sorted[mid] ?? Number.NaN;
  return ((sorted[mid - 1] ?? Number.NaN) + (sorted[mid] ?? Number.NaN)) / 2;
}

/**
 * The one median of the project: the median of the finite values (copied, not mutated; NaN and
 * ±Infinity are dropped, since a failed sample is never a number).
 *
 * Empty-input contract: when no value is finite the result is NaN, as for computeMean and
 * computeStdDev, so arithmetic carries "not measured" along without a branch. Callers that show or
 * store a figure decide what NaN means there (a report prints "n/a", a JSON field stores null, a
 * chart plots 0) — check with Number.isFinite, never compare with NaN.
 */
export function computeMedian(values: readonly number[]): number {
  const finite = values.filter((v) => Number.isFinite(v));
  return medianOfSorted(Float64Array.from(finite).sort());
}

export function computeMean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i] ?? 0;
  return values.length === 0 ? Number.NaN : sum / values.length;
}

/** Sample standard deviation (n − 1); NaN below two values. */
export function computeStdDev(values: ArrayLike<number>): number {
  const n = values.length;
  if (n < 2) return Number.NaN;
  const mean = computeMean(values);
  let ss = 0;
  for (let i = 0; i < n; i++) ss += ((values[i] ?? 0) - mean) ** 2;
  return Math.sqrt(ss / (n - 1));
}
