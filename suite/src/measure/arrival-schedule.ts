import { createMulberry32 } from "@mlxbench/proto";

/** Deterministic 32-bit PRNG (mulberry32): the same seed gives the same Poisson schedule. */
export const createRandom: (seed: number) => () => number = createMulberry32;

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
