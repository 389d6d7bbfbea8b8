export interface RunNoise {
  /** Standard deviation of one run's summary around the branch's level (same scale as the input). */
  sd: number;
  /** Effective degrees of freedom of that estimate, for Student's t. */
  df: number;
}

/**
 * Run-to-run noise of a series of per-run summaries (e.g. log medians of consecutive default-branch
 * runs) from the mean squared successive difference: half of it estimates the variance, and a
 * slow drift or a single step barely moves it, where the plain variance would absorb them.
 * Returns null below two values.
 */
export function estimateRunNoise(series: readonly number[]): RunNoise | null {
  const k = series.length;
  if (k < 2) return null;
  let ss = 0;
  for (let i = 1; i < k; i++) ss += ((series[i] ?? 0) - (series[i - 1] ?? 0)) ** 2;
  const variance = ss / (2 * (k - 1));
  // Var of the MSSD estimator for iid normal data is ≈ (3k − 4)/(k − 1)² σ⁴ (von Neumann), so it
  // carries the information of a chi-square with 2(k − 1)² / (3k − 4) degrees of freedom.
  const df = (2 * (k - 1) ** 2) / (3 * k - 4);
  return { sd: Math.sqrt(variance), df };
}
