import { describe, expect, it } from "vitest";
import { baselineVsRunChartConfig, STRIP } from "./baseline-vs-run-chart.js";

// The chart's data against the verdict's numbers: a reader who sees the picture and the comment
// must read the same change, interval and word.
describe("baselineVsRunChartConfig", () => {
  const input = {
    label: "TPOT p50",
    unit: "ms",
    outcome: "regressed",
    baselineSamples: [10, 12, 11, 9, 13],
    currentSamples: [14, 13, 15, 13.5],
    change: { percent: 30.2, lowerPercent: 23, upperPercent: 37 },
    thresholdPct: 5,
  };
  const chart = baselineVsRunChartConfig(input);
  const data = (label: string) =>
    chart.data.datasets.find((d) => d.label?.startsWith(label))?.data as { x: number; y: number }[];

  it("draws every sample of each run as a dot on its own strip, jitter within ±0.15", () => {
    const base = data("baseline (5 samples)");
    const cur = data("this run (4 samples)");
    expect(base.map((p) => p.y)).toEqual(input.baselineSamples);
    expect(cur.map((p) => p.y)).toEqual(input.currentSamples);
    for (const p of base) expect(Math.abs(p.x - STRIP.baseline)).toBeLessThanOrEqual(0.15 + 1e-9);
    for (const p of cur) expect(Math.abs(p.x - STRIP.current)).toBeLessThanOrEqual(0.15 + 1e-9);
  });

  it("draws the verdict's interval and change relative to the baseline's median", () => {
    // Baseline median 11: the interval 11 × 1.23 … 11 × 1.37, the level 11 × 1.302.
    const interval = data("interval of the change +23.0 % … +37.0 %").map((p) => p.y);
    expect(interval[0]).toBeCloseTo(13.53, 10);
    expect(interval[1]).toBeCloseTo(15.07, 10);
    expect(data("this run's level +30.2 %")[0]?.y).toBeCloseTo(14.322, 10);
    expect(data("baseline median").map((p) => p.y)).toEqual([11, 11]);
    const threshold = data("±5 % threshold").map((p) => p.y);
    expect(threshold[0]).toBeCloseTo(11.55, 10);
    expect(threshold[3]).toBeCloseTo(10.45, 10);
  });

  it("says the verdict's numbers and word in the title, and the unit on the axis", () => {
    expect(chart.options?.plugins?.title?.text).toBe(
      "TPOT p50: +30.2 % [+23.0 %, +37.0 %] regressed (threshold ±5 %)",
    );
    expect(chart.options?.scales?.y?.title?.text).toBe("ms");
  });

  it("draws a negative change below the baseline", () => {
    const down = baselineVsRunChartConfig({
      ...input,
      outcome: "inconclusive",
      change: { percent: -22.8, lowerPercent: -26.8, upperPercent: -18.3 },
    });
    const level = down.data.datasets.find((d) => d.label?.startsWith("this run's level"));
    expect(level?.label).toBe("this run's level −22.8 %");
    expect((level?.data[0] as { y: number }).y).toBeLessThan(11);
  });
});
