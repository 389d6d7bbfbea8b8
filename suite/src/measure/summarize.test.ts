import { describe, expect, it } from "vitest";
import { InvalidMeasureOptionsError } from "./errors.js";
import { summarize } from "./summarize.js";

describe("summarize", () => {
  it("is null for no samples", () => {
    expect(summarize([])).toBeNull();
  });

  it("computes every field on a hand-checked set", () => {
    // sorted 1..10: mean 5.5, population variance 8.25; p90 rank 8.1 → 9.1
    const s = summarize([10, 1, 9, 2, 8, 3, 7, 4, 6, 5]);
    expect(s).toEqual({
      count: 10,
      mean: 5.5,
      min: 1,
      max: 10,
      stddev: Math.sqrt(8.25),
      p50: 5.5,
      p90: 9.1,
      p95: expect.closeTo(9.55, 10) as number,
      p99: expect.closeTo(9.91, 10) as number,
    });
  });

  it("handles one sample", () => {
    expect(summarize([3])).toMatchObject({ count: 1, mean: 3, p99: 3, stddev: 0 });
  });

  it("refuses a sample that is not a finite number, naming it", () => {
    expect(() => summarize([1, Number.NaN])).toThrow(InvalidMeasureOptionsError);
    expect(() => summarize([1, Number.POSITIVE_INFINITY])).toThrow(/samples\[1\]/);
  });
});
