import { describe, expect, it } from "vitest";
import type { measuredTicks } from "./axis-ticks.js";
import {
  DOT_PLOT_BELOW,
  latencyDistributionChart,
  singleVsDistributedChart,
  transferRateChart,
} from "./suite-charts.js";

// What each suite chart draws, from the data it is given (render-chart.test.ts checks the PNGs).
describe("latencyDistributionChart", () => {
  const many = [240, 90, 130, 95, 180, 101, 110, 92, 94, 96, 98, 100, 104, 106, 108];

  it(`bins ${DOT_PLOT_BELOW} or more samples into √n equal bins, the maximum in the last`, () => {
    const chart = latencyDistributionChart(many, "End-to-end latency");
    expect(chart.type).toBe("bar");
    expect(chart.data.labels).toEqual(["90–128", "128–165", "165–203", "203–240"]);
    expect(chart.data.datasets[0]?.data).toEqual([12, 1, 1, 1]);
  });

  it("states the count, p50 and p95 (interpolated between ranks) in the title", () => {
    expect(
      latencyDistributionChart([240, 90, 130, 95, 180, 101, 110], "End-to-end latency").options
        ?.plugins?.title?.text,
    ).toBe("End-to-end latency: 7 requests, p50 110 ms, p95 222 ms");
  });

  it(`draws one dot per request under ${DOT_PLOT_BELOW} samples, equal values stacked`, () => {
    const chart = latencyDistributionChart([120, 90, 120, 95, 120, 101], "e2e");
    expect(chart.type).toBe("scatter");
    expect(chart.data.datasets[0]?.data).toEqual([
      { x: 90, y: 1 },
      { x: 95, y: 1 },
      { x: 101, y: 1 },
      { x: 120, y: 1 },
      { x: 120, y: 2 },
      { x: 120, y: 3 },
    ]);
  });
});

describe("singleVsDistributedChart", () => {
  it("puts throughput and median latency in two stacked panels, no second y axis", () => {
    const chart = singleVsDistributedChart(
      [
        { mode: "single device", outputTokensPerS: 600, e2eP50Ms: 90 },
        { mode: "distributed", outputTokensPerS: null, e2eP50Ms: 88 },
      ],
      "1.2×",
    );
    expect(chart.data.labels).toEqual(["single device", "distributed"]);
    expect(chart.data.datasets.map((d) => [d.yAxisID, d.data])).toEqual([
      ["throughput", [600, 0]],
      ["latency", [90, 88]],
    ]);
    const scales = chart.options?.scales ?? {};
    expect(Object.keys(scales)).toEqual(["throughput", "latency"]);
    expect(Object.values(scales).map((s) => [s?.position, s?.stack])).toEqual([
      ["left", "panels"],
      ["left", "panels"],
    ]);
    expect(chart.options?.plugins?.subtitle?.text).toBe("1.2×");
  });
});

describe("transferRateChart", () => {
  it("plots MiB/s against the payload in KiB on a log axis", () => {
    const chart = transferRateChart([
      { bytes: 1024, mibPerS: 1 },
      { bytes: 1024 * 1024, mibPerS: 70 },
    ]);
    expect(chart.data.datasets[0]?.data).toEqual([
      { x: 1, y: 1 },
      { x: 1024, y: 70 },
    ]);
    expect(chart.options?.scales?.x?.type).toBe("logarithmic");
    const axis = { ticks: [{ value: 2 }, { value: 3 }] };
    const x = chart.options?.scales?.x as unknown as ReturnType<typeof measuredTicks>;
    x.afterBuildTicks(axis);
    expect(axis.ticks.map((t) => x.ticks.callback(t.value))).toEqual(["1 KiB", "1 MiB"]);
    expect(x.ticks.maxRotation).toBe(0);
  });
});
