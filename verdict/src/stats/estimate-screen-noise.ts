import { estimateRunNoise, type RunNoise } from "./estimate-run-noise.js";
import { medianOfSorted } from "./median.js";

export interface ScreenNoise extends RunNoise {
  /** The candidates the screen's noise is the largest of (same scale as the input). */
  longSd: number;
  recentSd: number | null;
  robustSd: number | null;
}

/** Consistency factor of the median absolute value of a N(0, 2σ²) difference, per unit of σ. */
const MAD_OF_DIFFERENCE = 0.6744897501960817 * Math.SQRT2;

/**
 * The screen's run-to-run noise of a series of per-run summaries (oldest first): the largest of
 * - the mean squared successive difference over the whole window (efficient on calm normal data,
 *   and it keeps every spike and mode jump, so heavy tails raise it),
 * - the same over the last `recentRuns` runs (noise that grew recently is not averaged away),
 * - the median absolute successive difference over the whole window, scaled to σ (robust: a calm
 *   recent stretch, or a handful of identical runs, cannot pull it down).
 * A calm stretch therefore never makes the screen more trusting than the window as a whole.
 * Differences across `levelStarts` (detected level changes) are left out. Null with no difference.
 */
export function estimateScreenNoise(
  series: readonly number[],
  levelStarts: readonly number[] = [],
  recentRuns = 15,
): ScreenNoise | null {
  const long = estimateRunNoise(series, levelStarts);
  if (long === null) return null;
  const offset = Math.max(0, series.length - recentRuns);
  const recent =
    offset > 0
      ? estimateRunNoise(
          series.slice(offset),
          levelStarts.map((i) => i - offset).filter((i) => i > 0),
        )
      : null;
  const diffs: number[] = [];
  for (let i = 1; i < series.length; i++) {
    if (levelStarts.includes(i)) continue;
    diffs.push(Math.abs((series[i] ?? 0) - (series[i - 1] ?? 0)));
  }
  // Below 4 differences a median says little; the successive-difference estimate stands alone.
  const robustSd =
    diffs.length >= 4 ? medianOfSorted(Float64Array.from(diffs).sort()) / MAD_OF_DIFFERENCE : null;
  const sd = Math.max(long.sd, recent?.sd ?? 0, robustSd ?? 0);
  // Degrees of freedom stay the long window's: the maximum is at least as large as that estimate.
  return { sd, df: long.df, longSd: long.sd, recentSd: recent?.sd ?? null, robustSd };
}
