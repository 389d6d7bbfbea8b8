import { describe, expect, it } from "vitest";
import { computeMedian, medianOfSorted } from "./median.js";

describe("computeMedian", () => {
  it.each([
    { values: [3, 1, 2], median: 2 },
    { values: [4, 1, 3, 2], median: 2.5 },
    { values: [5], median: 5 },
    { values: [2, Number.NaN, 4, Number.POSITIVE_INFINITY], median: 3 },
  ])("is $median for $values (non-finite values dropped)", ({ values, median }) => {
    expect(computeMedian(values)).toBe(median);
  });

  it.each([[[]], [[Number.NaN]], [[Number.NEGATIVE_INFINITY, Number.NaN]]])(
    "is NaN when no value of %j is finite",
    (values) => {
      expect(computeMedian(values)).toBeNaN();
    },
  );

  it("does not reorder its input", () => {
    const values = [3, 1, 2];
    computeMedian(values);
    expect(values).toEqual([3, 1, 2]);
  });

  it("agrees with medianOfSorted, which is NaN on empty input too", () => {
    expect(medianOfSorted(Float64Array.from([1, 2, 3, 10]))).toBe(computeMedian([10, 3, 2, 1]));
    expect(medianOfSorted([])).toBeNaN();
  });
});
