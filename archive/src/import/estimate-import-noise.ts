/** 1.4826 · MAD estimates σ for normal data. */
const MAD_TO_SD = 1.4826;

/**
 * Robust run-to-run noise of a series of per-run values (oldest first), in percent: 1.4826 times
 * the median absolute successive log difference, divided by √2 (a difference holds two runs'
 * noise). A level step or a one-run spike moves it little, where a standard deviation absorbs
 * them. The deviation is taken around 0, not around the differences' median as in
 * verdict/bench/data/README.md: a series that alternates between two modes has differences
 * ±d whose median is ±d, which would make its noise 0. Null with fewer than 3 values.
 */
export function estimateImportNoisePct(values: readonly number[]): number | null {
  const logs = values.filter((v) => Number.isFinite(v) && v > 0).map(Math.log);
  if (logs.length < 3) return null;
  const diffs = logs.slice(1).map((v, i) => Math.abs(v - (logs[i] ?? v)));
  return (Math.exp((MAD_TO_SD * median(diffs)) / Math.SQRT2) - 1) * 100;
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}
