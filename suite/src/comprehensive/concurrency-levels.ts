/** Concurrency levels of the sweep: 1, powers of two, and the configured maximum. */
export function concurrencyLevels(max: number, quick: boolean): number[] {
  if (quick) return max > 1 ? [1, max] : [1];
  const levels = new Set<number>([1]);
  for (let c = 2; c < max; c *= 2) levels.add(c);
  levels.add(max);
  return [...levels].sort((a, b) => a - b);
}
