import { createMulberry32 } from "@mlxbench/proto";

/** A seeded pseudo-random source: every draw of the sim comes from one of these, so a seed replays a run. */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max]. */
  int(min: number, max: number): number;
}

/** 32-bit hash of any strings (cyrb53's low half): derives independent seeds from (seed, purpose, input). */
export function hashSeed(...parts: (string | number)[]): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  const text = parts.join("\u0000");
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (h2 ^ h1) >>> 0;
}

/** mulberry32 (shared with the worker through proto): good enough for noise and fault draws. */
export function createRandom(seed: number): Random {
  const next = createMulberry32(seed);
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
  };
}

/**
 * A log-normal multiplicative factor with mean 1 and the given coefficient of variation:
 * sigma² = ln(1 + cv²), mu = -sigma²/2. Latencies are skewed to the right, as real ones are.
 */
export function drawLogNormalFactor(random: Random, cv: number): number {
  if (cv <= 0) return 1;
  const sigma2 = Math.log(1 + cv * cv);
  const u1 = 1 - random.next(); // (0, 1]: log(0) is never taken
  const u2 = random.next();
  const normal = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  return Math.exp(-sigma2 / 2 + Math.sqrt(sigma2) * normal);
}
