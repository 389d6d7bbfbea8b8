import { describe, expect, it } from "vitest";
import { noiseBandDatasets, trendChartConfig } from "./chart-configs.js";
import { computeNoiseBand } from "./noise-band.js";

describe("computeNoiseBand", () => {
  it("is the current level's median ± 2 × 1.4826 × MAD, after the last change point", () => {
    // Level 100 before the change point at 4, then 120 ± 2.
    const band = computeNoiseBand([100, 101, 99, 100, 118, 122, 120, 120, 118], [4]);
    expect(band?.from).toBe(4);
    expect(band?.center).toBe(120);
    // |deviations| 2, 2, 0, 0, 2 → MAD 2
    expect(band?.low).toBeCloseTo(120 - 2 * 1.4826 * 2, 9);
    expect(band?.high).toBeCloseTo(120 + 2 * 1.4826 * 2, 9);
  });

  it("is null with fewer than 3 runs in the current level", () => {
    expect(computeNoiseBand([100, 101, 99, 130, 131], [3])).toBeNull();
    expect(computeNoiseBand([5, 6], [])).toBeNull();
  });
});

describe("the trend chart's noise band", () => {
  it("draws the band only over the current level, filled between its two lines", () => {
    const sets = noiseBandDatasets([10, 10, 10, 20, 21, 19, 20], [3]);
    expect(sets).toHaveLength(2);
    const [low, high] = sets;
    expect(low?.data.slice(0, 3)).toEqual([null, null, null]);
    expect(high?.fill).toBe("-1");
    expect(high?.data[6]).toBeGreaterThan(20);
    expect(low?.data[6]).toBeLessThan(20);
  });

  it("is part of the trend chart when the history has a level of 3 runs", () => {
    const points = [50, 51, 49, 50].map((value, i) => ({
      runId: `r${i}`,
      commit: `${i}`.repeat(40),
      finishedAt: new Date(Date.UTC(2026, 0, i + 1)).toISOString(),
      value,
      changePoint: false,
    }));
    const config = trendChartConfig(
      { key: "k", label: "K", unit: "ms", direction: "lower_is_better", gated: true, points },
      "main",
      false,
    );
    const labels = config.data.datasets.map((d) => d.label);
    expect(labels).toContain("noise band: current level ± 2 robust σ");
  });
});
