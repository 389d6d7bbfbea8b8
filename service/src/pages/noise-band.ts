import { computeMedian } from "@mlxbench/verdict/stats";

export interface NoiseBand {
  /** First point of the current level (after the last change point). */
  from: number;
  center: number;
  low: number;
  high: number;
}

/** Gaussian-consistent scale of the median absolute deviation. */
const MAD_TO_SIGMA = 1.4826;
const WIDTH_SIGMAS = 2;

/**
 * Where the default branch's runs of the current level fall: its median ± 2 robust σ (MAD), over
 * the points after the last change point. A new run outside it moved more than run-to-run noise.
 * Null with fewer than 3 points in that level: no band can be told from 2 runs.
 */
export function computeNoiseBand(
  values: readonly number[],
  changePoints: readonly number[],
): NoiseBand | null {
  const from = Math.max(0, ...changePoints);
  const level = values.slice(from).filter((v) => Number.isFinite(v));
  if (level.length < 3) return null;
  const center = computeMedian(level);
  const mad = computeMedian(level.map((v) => Math.abs(v - center)));
  const half = WIDTH_SIGMAS * MAD_TO_SIGMA * mad;
  return { from, center, low: center - half, high: center + half };
}
