import { drawNormal, type Rng } from "./rng.js";

/** Noise shapes seen in benchmark samples; tests and the verdict bench draw from them. */
export const NOISE_SHAPES = ["lognormal", "bimodal", "heavy_tailed"] as const;
export type NoiseShape = (typeof NOISE_SHAPES)[number];

export interface SampleSpec {
  shape: NoiseShape;
  /** Typical value (the median for lognormal and heavy_tailed, the lower mode for bimodal). */
  level: number;
  /** Coefficient of variation of the samples, e.g. 0.03. */
  cv: number;
  count: number;
}

// Share of samples in the slow mode of the bimodal shape (a cache miss, a GC pause, a busy core).
const SLOW_MODE_SHARE = 0.2;

/** Positive samples of the given shape, scaled so the spread matches `cv` (approximately for bimodal). */
export function simulateSamples(spec: SampleSpec, rng: Rng): number[] {
  const { shape, level, cv, count } = spec;
  const out: number[] = new Array<number>(count);
  const sigma = Math.sqrt(Math.log(1 + cv * cv));
  for (let i = 0; i < count; i++) {
    switch (shape) {
      case "lognormal":
        out[i] = level * Math.exp(sigma * drawNormal(rng));
        break;
      case "bimodal": {
        // Within-mode spread cv/2; the gap makes up the rest of the variance.
        const within = sigma / 2;
        const gap = Math.sqrt((0.75 * cv * cv) / (SLOW_MODE_SHARE * (1 - SLOW_MODE_SHARE)));
        const slow = rng.next() < SLOW_MODE_SHARE ? 1 + gap : 1;
        out[i] = level * slow * Math.exp(within * drawNormal(rng));
        break;
      }
      case "heavy_tailed": {
        // Student t with 3 degrees of freedom on the log scale, scaled to unit variance.
        const z = drawNormal(rng);
        const chi = drawNormal(rng) ** 2 + drawNormal(rng) ** 2 + drawNormal(rng) ** 2;
        const t = z / Math.sqrt(chi / 3) / Math.sqrt(3);
        out[i] = level * Math.exp(sigma * t);
        break;
      }
    }
  }
  return out;
}
