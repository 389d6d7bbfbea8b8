import { describe, expect, it } from "vitest";
import { createMulberry32 } from "./create-mulberry32.js";

describe("createMulberry32", () => {
  it("gives mulberry32's published stream for seed 1, which seeded tests and fixtures rely on", () => {
    const next = createMulberry32(1);
    expect([next(), next(), next()]).toEqual([
      0.6270739405881613, 0.002735721180215478, 0.5274470399599522,
    ]);
  });

  it("replays the same stream for the same seed and another for another seed", () => {
    const a = createMulberry32(42);
    const b = createMulberry32(42);
    const c = createMulberry32(43);
    const first = Array.from({ length: 100 }, () => a());
    expect(Array.from({ length: 100 }, () => b())).toEqual(first);
    expect(Array.from({ length: 100 }, () => c())).not.toEqual(first);
  });

  it("takes the seed modulo 2^32, so -1 and 2^32 - 1 are the same seed", () => {
    expect(createMulberry32(-1)()).toBe(createMulberry32(2 ** 32 - 1)());
  });

  it("stays in [0, 1)", () => {
    const next = createMulberry32(7);
    for (let i = 0; i < 10_000; i++) {
      const x = next();
      expect(x >= 0 && x < 1).toBe(true);
    }
  });
});
