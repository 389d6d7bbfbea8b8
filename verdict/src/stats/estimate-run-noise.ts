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
 * `levelStarts` are indices where a known new level begins (detected change points): the
 * difference across each is left out, so a step is not counted as noise at all.
 * Returns null when fewer than one difference is left.
 */
export function estimateRunNoise(
  series: readonly number[],
  levelStarts: readonly number[] = [],
): RunNoise | null {
  let ss = 0;
  let m = 0; // differences used
  for (let i = 1; i < series.length; i++) {
    if (levelStarts.includes(i)) continue;
    ss += ((series[i] ?? 0) - (series[i - 1] ?? 0)) ** 2;
    m++;
  }
  if (m < 1) return null;
  const variance = ss / (2 * m);
  // Var of the MSSD estimator for iid normal data is ≈ (3k − 4)/(k − 1)² σ⁴ (von Neumann) with
  // k − 1 = m differences, so it carries the information of a chi-square with 2m² / (3m − 1)
  // degrees of freedom.
  const df = (2 * m * m) / (3 * m - 1);
  return { sd: Math.sqrt(variance), df };
}
