import { createMulberry32 } from "@mlxbench/proto";

/** A seeded source of uniform numbers in [0, 1); every random choice in stats/ and verdict/ goes through one. */
export interface Rng {
  next(): number;
}

/** mulberry32 (shared through proto): good enough for resampling; the same seed gives the same stream. */
export function createRng(seed: number): Rng {
  return { next: createMulberry32(seed) };
}

/** A seed derived from a base seed and a label, so each metric's stream does not depend on metric order. */
export function deriveSeed(seed: number, label: string): number {
  // FNV-1a over the label, mixed with the seed.
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** A standard normal draw (Box–Muller; one of the pair is discarded to keep the state simple). */
export function drawNormal(rng: Rng): number {
  let u = rng.next();
  while (u <= Number.MIN_VALUE) u = rng.next();
  const v = rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** An integer in [0, n). */
export function drawIndex(rng: Rng, n: number): number {
  return Math.floor(rng.next() * n);
}
