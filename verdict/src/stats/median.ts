/** Median of an ascending array; NaN when empty. */
export function medianOfSorted(sorted: ArrayLike<number>): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const mid = n >> 1;
  if (n % 2 === 1) return sorted[mid] ?? Number.NaN;
  return ((sorted[mid - 1] ?? Number.NaN) + (sorted[mid] ?? Number.NaN)) / 2;
}

/** Median of any array (copied, not mutated). */
export function computeMedian(values: readonly number[]): number {
  return medianOfSorted(Float64Array.from(values).sort());
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
