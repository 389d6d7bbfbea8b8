/** Deterministic 32-bit PRNG (mulberry32): the same seed gives the same Poisson schedule. */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Intended start offsets (ms from the start of the measured phase) of an open-loop load:
 * evenly spaced for "constant", exponential gaps (a Poisson process) for "poisson". The
 * first request starts at 0.
 */
export function planArrivals(
  count: number,
  requestsPerSecond: number,
  arrival: "constant" | "poisson",
  seed = 1,
): number[] {
  const meanGapMs = 1000 / requestsPerSecond;
  const offsets = new Array<number>(count);
  if (arrival === "constant") {
    for (let i = 0; i < count; i++) offsets[i] = i * meanGapMs;
    return offsets;
  }
  const random = createRandom(seed);
  let t = 0;
  for (let i = 0; i < count; i++) {
    offsets[i] = t;
    t += -Math.log(1 - random()) * meanGapMs;
  }
  return offsets;
}
