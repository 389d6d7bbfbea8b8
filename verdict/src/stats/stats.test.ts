import { describe, expect, it } from "vitest";
import {
  adjustHolm,
  bootstrapLogRatioOfMedians,
  computeHodgesLehmann,
  computeMedian,
  computeStdDev,
  createRng,
  deriveSeed,
  drawNormal,
  estimateRunNoise,
  normalCdf,
  studentTQuantile,
  studentTTwoSidedP,
  testMannWhitney,
} from "./index.js";

describe("distributions", () => {
  it.each([
    [1.959964, 0.975],
    [0, 0.5],
    [-3.090232, 0.001],
  ])("normalCdf(%f) ≈ %f", (z, p) => {
    expect(normalCdf(z)).toBeCloseTo(p, 6);
  });

  it.each([
    [2.228139, 10, 0.05],
    [4.587, 10, 0.001],
    [2.0, 1, 0.2951672],
    [3.29053, Infinity, 0.001],
  ])("two-sided t p(%f, df=%f) ≈ %f", (t, df, p) => {
    expect(studentTTwoSidedP(t, df)).toBeCloseTo(p, 4);
  });

  it("inverts the t distribution", () => {
    expect(studentTQuantile(0.975, 10)).toBeCloseTo(2.228139, 4);
    expect(studentTQuantile(0.99, 63)).toBeCloseTo(2.387, 2);
    expect(studentTQuantile(0.025, 10)).toBeCloseTo(-2.228139, 4);
  });
});

describe("testMannWhitney", () => {
  it("gives the exact p-value of separated samples", () => {
    const r = testMannWhitney([1, 2, 3], [4, 5, 6]);
    expect(r).toMatchObject({ u: 0, method: "exact", direction: -1 });
    expect(r.p).toBeCloseTo(2 / 20, 12);
    const ten = testMannWhitney(
      Array.from({ length: 10 }, (_, i) => i + 11),
      Array.from({ length: 10 }, (_, i) => i + 1),
    );
    expect(ten.u).toBe(100);
    expect(ten.direction).toBe(1);
    expect(ten.p).toBeCloseTo(2 / 184756, 12);
  });

  it("uses the normal approximation with tie correction when values tie", () => {
    const r = testMannWhitney([1, 2, 2, 3, 3, 3], [2, 3, 4, 4, 5, 5]);
    expect(r.method).toBe("normal");
    expect(r.direction).toBe(-1);
    expect(r.p).toBeGreaterThan(0.01);
    expect(r.p).toBeLessThan(0.2);
    expect(testMannWhitney([5, 5, 5], [5, 5])).toMatchObject({ p: 1, direction: 0 });
  });

  it("agrees between exact and normal at the size where it switches", () => {
    const rng = createRng(3);
    const x = Array.from({ length: 25 }, () => drawNormal(rng));
    const y = Array.from({ length: 25 }, () => drawNormal(rng) + 0.5);
    const exact = testMannWhitney(x, y);
    const normal = testMannWhitney([...x, 100], y);
    expect(exact.method).toBe("exact");
    expect(normal.method).toBe("normal");
    expect(Math.abs(Math.log(exact.p) - Math.log(normal.p))).toBeLessThan(0.7);
  });

  it("rejects an empty sample by name", () => {
    expect(() => testMannWhitney([], [1])).toThrow(/non-empty/);
  });
});

describe("adjustHolm", () => {
  it("steps down and keeps order", () => {
    const adjusted = adjustHolm([0.01, 0.04, 0.03]);
    expect(adjusted[0]).toBeCloseTo(0.03, 12);
    expect(adjusted[1]).toBeCloseTo(0.06, 12);
    expect(adjusted[2]).toBeCloseTo(0.06, 12);
  });

  it("leaves NaN out of the family", () => {
    const adjusted = adjustHolm([Number.NaN, 0.02, 0.5]);
    expect(adjusted[0]).toBeNaN();
    expect(adjusted[1]).toBeCloseTo(0.04, 12);
    expect(adjusted[2]).toBeCloseTo(0.5, 12);
  });
});

describe("estimateRunNoise", () => {
  it("is null below two runs and zero for a constant series", () => {
    expect(estimateRunNoise([1])).toBeNull();
    expect(estimateRunNoise([2, 2, 2, 2])?.sd).toBe(0);
  });

  it("estimates the spread of iid runs and shrugs off a level step", () => {
    const rng = createRng(11);
    const runs = Array.from({ length: 400 }, () => drawNormal(rng) * 0.02);
    expect(estimateRunNoise(runs)?.sd).toBeCloseTo(0.02, 2);
    const stepped = runs.map((v, i) => (i >= 200 ? v + 0.1 : v));
    const mssd = estimateRunNoise(stepped)?.sd ?? 0;
    expect(mssd).toBeLessThan(0.023);
    expect(computeStdDev(stepped)).toBeGreaterThan(0.05);
    expect(estimateRunNoise(runs.slice(0, 60))?.df).toBeCloseTo((2 * 59 * 59) / 176, 6);
  });

  it("leaves out the difference across a known level start", () => {
    // Within each level the successive differences are ±0.01; the step between them is 1.
    const series = [0, 0.01, 0, 0.01, 1, 1.01, 1, 1.01];
    const blind = estimateRunNoise(series);
    const told = estimateRunNoise(series, [4]);
    expect(blind?.sd).toBeGreaterThan(0.25);
    expect(told?.sd).toBeCloseTo(Math.sqrt((6 * 0.0001) / (2 * 6)), 12);
    expect(told?.df).toBeCloseTo((2 * 6 * 6) / (3 * 6 - 1), 12);
    expect(estimateRunNoise([0, 1], [1])).toBeNull();
  });
});

describe("computeHodgesLehmann", () => {
  it("is the median of the Walsh averages and resists an outlier", () => {
    expect(computeHodgesLehmann([1, 2, 3])).toBe(2);
    expect(computeHodgesLehmann([1, 2, 3, 1000])).toBeLessThan(3);
    expect(computeHodgesLehmann([])).toBeNaN();
  });
});

describe("bootstrapLogRatioOfMedians", () => {
  const rng = createRng(5);
  const base = Array.from({ length: 30 }, () => Math.log(100) + 0.03 * drawNormal(rng));

  it("centres on the log ratio of medians and covers it", () => {
    const shifted = base.map((v) => v + Math.log(1.1));
    const r = bootstrapLogRatioOfMedians(shifted, base, { rng: createRng(1) });
    expect(r.estimate).toBeCloseTo(Math.log(1.1), 10);
    expect(r.lower).toBeLessThan(Math.log(1.1));
    expect(r.upper).toBeGreaterThan(Math.log(1.1));
    expect(r.lower).toBeGreaterThan(0);
  });

  it("is reproducible with the same seed and wider with extra run noise", () => {
    const a = bootstrapLogRatioOfMedians(base, base, { rng: createRng(9) });
    const b = bootstrapLogRatioOfMedians(base, base, { rng: createRng(9) });
    expect(a).toEqual(b);
    expect(a.estimate).toBe(0);
    const wide = bootstrapLogRatioOfMedians(base, base, { rng: createRng(9), extraSd: 0.05 });
    expect(wide.upper - wide.lower).toBeGreaterThan(2 * (a.upper - a.lower));
    expect(wide.withinSd).toBeCloseTo(a.withinSd, 12);
  });

  it("rejects empty samples and too few resamples", () => {
    expect(() => bootstrapLogRatioOfMedians([], base, { rng })).toThrow(/non-empty/);
    expect(() => bootstrapLogRatioOfMedians(base, base, { rng, resamples: 2 })).toThrow(
      /resamples/,
    );
  });
});

describe("rng", () => {
  it("repeats a stream for a seed and stays in [0, 1)", () => {
    const a = createRng(42);
    const b = createRng(42);
    const xs = Array.from({ length: 1000 }, () => a.next());
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b.next()));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(computeMedian(xs)).toBeGreaterThan(0.45);
    expect(deriveSeed(1, "a")).not.toBe(deriveSeed(1, "b"));
  });
});
