/**
 * mulberry32: a tiny, fast 32-bit generator of uniform numbers in [0, 1). Every seeded draw in
 * the repository (sim noise and faults, worker resampling, arrival schedules, tensor fixtures)
 * comes from this one, so a seed replays the same stream everywhere. Not for cryptography.
 */
export function createMulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
