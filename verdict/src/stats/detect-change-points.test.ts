import { describe, expect, it } from "vitest";
import { detectChangePoints } from "./detect-change-points.js";
import { createRng, drawNormal } from "./rng.js";

function noisy(levels: readonly number[], perLevel: number, seed: number): number[] {
  const rng = createRng(seed);
  return levels.flatMap((level) =>
    Array.from({ length: perLevel }, () => level + 0.01 * drawNormal(rng)),
  );
}

describe("detectChangePoints", () => {
  it("finds the start of a single shift", () => {
    const series = noisy([1, 1.05], 20, 1);
    expect(detectChangePoints(series, { rng: createRng(2) })).toEqual([20]);
  });

  it("finds two shifts", () => {
    const series = noisy([1, 1.06, 0.98], 15, 3);
    expect(detectChangePoints(series, { rng: createRng(4) })).toEqual([15, 30]);
  });

  it("finds nothing in a flat noisy series", () => {
    const series = noisy([1], 40, 5);
    expect(detectChangePoints(series, { rng: createRng(6) })).toEqual([]);
  });

  it("is reproducible for a seed and respects maxChangePoints", () => {
    const series = noisy([1, 1.06, 0.98], 15, 7);
    const a = detectChangePoints(series, { rng: createRng(8) });
    expect(detectChangePoints(series, { rng: createRng(8) })).toEqual(a);
    expect(detectChangePoints(series, { rng: createRng(8), maxChangePoints: 1 })).toHaveLength(1);
  });

  it("returns nothing for series too short to split", () => {
    expect(detectChangePoints([1, 2, 3, 4, 5], { rng: createRng(1) })).toEqual([]);
    expect(detectChangePoints([], { rng: createRng(1) })).toEqual([]);
  });

  it("rejects non-finite values and bad options by name", () => {
    expect(() => detectChangePoints([1, Number.NaN, 2], { rng: createRng(1) })).toThrow(
      /series\[1\] is NaN/,
    );
    expect(() => detectChangePoints([1, 2], { rng: createRng(1), minSegment: 0 })).toThrow(
      /minSegment/,
    );
    expect(() => detectChangePoints([1, 2], { rng: createRng(1), permutations: 0 })).toThrow(
      /permutations/,
    );
  });
});
