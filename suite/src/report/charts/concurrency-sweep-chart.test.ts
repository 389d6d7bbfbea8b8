import { describe, expect, it } from "vitest";
import type { measuredTicks } from "./axis-ticks.js";
import { concurrencySweepChart } from "./concurrency-sweep-chart.js";

// What the sweep chart draws from the levels a comprehensive run measured.
describe("concurrencySweepChart", () => {
  const levels = [
    { concurrency: 4, outputTokensPerS: [800, 900, 1000] },
    { concurrency: 1, outputTokensPerS: [290, 300, 320] },
    { concurrency: 2, outputTokensPerS: [500, 560, 600] },
    { concurrency: 8, outputTokensPerS: [] },
  ];
  const chart = concurrencySweepChart(levels, { concurrency: 2, outputTokensPerS: [400, 410] });
  const byLabel = new Map(chart.data.datasets.map((d) => [d.label, d.data]));

  it("draws the median at every measured level, in concurrency order", () => {
    expect(byLabel.get("distributed (median)")).toEqual([
      { x: 1, y: 300 },
      { x: 2, y: 560 },
      { x: 4, y: 900 },
    ]);
  });

  it("bands the min and max of the repetitions at each level", () => {
    expect(byLabel.get("max of repetitions")).toEqual([
      { x: 1, y: 320 },
      { x: 2, y: 600 },
      { x: 4, y: 1000 },
    ]);
    expect(byLabel.get("min of repetitions")).toEqual([
      { x: 1, y: 290 },
      { x: 2, y: 500 },
      { x: 4, y: 800 },
    ]);
  });

  it("draws ideal scaling as concurrency × the median at concurrency 1", () => {
    expect(byLabel.get("ideal scaling from concurrency 1")).toEqual([
      { x: 1, y: 300 },
      { x: 2, y: 600 },
      { x: 4, y: 1200 },
    ]);
  });

  it("draws the single device's median as a flat line across the sweep", () => {
    expect(byLabel.get("single device (median at concurrency 2)")).toEqual([
      { x: 1, y: 405 },
      { x: 4, y: 405 },
    ]);
  });

  it("puts ticks only at the measured levels, unrotated", () => {
    const x = chart.options?.scales?.x as unknown as ReturnType<typeof measuredTicks>;
    const axis = { ticks: [{ value: 0.5 }, { value: 1.5 }] };
    x.afterBuildTicks(axis);
    expect(axis.ticks).toEqual([{ value: 1 }, { value: 2 }, { value: 4 }]);
    expect(x.ticks.maxRotation).toBe(0);
  });

  it("leaves out the band with one repetition per level, ideal without level 1, single device without one", () => {
    const bare = concurrencySweepChart([
      { concurrency: 2, outputTokensPerS: [500] },
      { concurrency: 4, outputTokensPerS: [700] },
    ]);
    expect(bare.data.datasets.map((d) => d.label)).toEqual(["distributed (median)"]);
    expect(bare.options?.plugins?.title?.text).toBe(
      "Throughput at each concurrency (one repetition per level)",
    );
  });
});
