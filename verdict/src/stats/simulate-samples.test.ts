import { describe, expect, it } from "vitest";
import { computeMean, computeMedian, computeStdDev } from "./median.js";
import { createRng } from "./rng.js";
import { NOISE_SHAPES, simulateSamples } from "./simulate-samples.js";

describe("simulateSamples", () => {
  it.each(NOISE_SHAPES)("%s: positive, reproducible, spread near the CV", (shape) => {
    const spec = { shape, level: 100, cv: 0.05, count: 20_000 };
    const xs = simulateSamples(spec, createRng(1));
    expect(xs).toEqual(simulateSamples(spec, createRng(1)));
    expect(Math.min(...xs)).toBeGreaterThan(0);
    const cv = computeStdDev(xs) / computeMean(xs);
    expect(cv).toBeGreaterThan(0.035);
    expect(cv).toBeLessThan(0.07);
  });

  it("bimodal puts about a fifth of the samples in the slow mode", () => {
    const xs = simulateSamples(
      { shape: "bimodal", level: 100, cv: 0.1, count: 20_000 },
      createRng(2),
    );
    const slow = xs.filter((x) => x > 110).length / xs.length;
    expect(slow).toBeGreaterThan(0.15);
    expect(slow).toBeLessThan(0.25);
    expect(computeMedian(xs)).toBeLessThan(105);
  });

  it("heavy_tailed has far more extreme samples than lognormal", () => {
    const extreme = (shape: "heavy_tailed" | "lognormal"): number =>
      simulateSamples({ shape, level: 100, cv: 0.05, count: 20_000 }, createRng(3)).filter(
        (x) => Math.abs(Math.log(x / 100)) > 0.2,
      ).length;
    expect(extreme("heavy_tailed")).toBeGreaterThan(10 * Math.max(1, extreme("lognormal")));
  });
});
