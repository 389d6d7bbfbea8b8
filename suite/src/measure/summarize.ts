import type { Stats } from "@mlxbench/proto";
import { InvalidMeasureOptionsError } from "./errors.js";

export type { Stats };

/**
 * Mean, min, max, population standard deviation and linearly interpolated percentiles
 * (numpy's default, as vLLM and genai-perf use). Null for no samples: an empty set has no
 * statistics, and a zero would read as a measurement.
 */
export function summarize(samples: readonly number[]): Stats | null {
  const n = samples.length;
  if (n === 0) return null;
  const sorted = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const v = samples[i] ?? Number.NaN;
    if (!Number.isFinite(v))
      throw new InvalidMeasureOptionsError(`samples[${i}]`, `must be a finite number, got ${v}`);
    sorted[i] = v;
    sum += v;
  }
  sorted.sort();
  const mean = sum / n;
  let squares = 0;
  for (let i = 0; i < n; i++) squares += ((sorted[i] ?? 0) - mean) ** 2;
  return {
    count: n,
    mean,
    min: sorted[0] ?? 0,
    max: sorted[n - 1] ?? 0,
    stddev: Math.sqrt(squares / n),
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
  };
}

/** Linear interpolation between closest ranks of an ascending array. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const rank = (p / 100) * (n - 1);
  const lo = Math.floor(rank);
  const hi = Math.min(n - 1, lo + 1);
  const a = sorted[lo] ?? 0;
  const b = sorted[hi] ?? 0;
  return a + (b - a) * (rank - lo);
}
