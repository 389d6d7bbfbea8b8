import { describe, expect, it } from "vitest";
import {
  latencyDistributionChart,
  singleVsDistributedChart,
  throughputVsConcurrencyChart,
  transferRateChart,
} from "./suite-charts.js";

// What each suite chart draws, from the data it is given (render-chart.test.ts checks the PNGs).
describe("latencyDistributionChart", () => {
  const chart = latencyDistributionChart([240, 90, 130, 95, 180, 101, 110], "End-to-end latency");

  it("bins the samples into √n equal bins from min to max, the maximum in the last", () => {
    expect(chart.data.labels).toEqual(["90–140", "140–190", "190–240"]);
    expect(chart.data.datasets[0]?.data).toEqual([5, 1, 1]);
  });

  it("states the count, p50 and p95 (interpolated between ranks) in the title", () => {
    expect(chart.options?.plugins?.title?.text).toBe(
      "End-to-end latency: 7 requests, p50 110 ms, p95 222 ms",
    );
  });

  it("puts identical samples in one bin", () => {
    expect(latencyDistributionChart([5, 5, 5, 5], "x").data.datasets[0]?.data).toEqual([4, 0]);
  });
});

describe("throughputVsConcurrencyChart", () => {
  it("draws one line per series, its points at (concurrency, output tokens/s)", () => {
    const chart = throughputVsConcurrencyChart([
      {
        label: "distributed",
        points: [
          { concurrency: 1, outputTokensPerS: 300 },
          { concurrency: 4, outputTokensPerS: 900 },
        ],
      },
      { label: "single", points: [{ concurrency: 2, outputTokensPerS: 500 }] },
    ]);
    expect(chart.data.datasets.map((d) => [d.label, d.data])).toEqual([
      [
        "distributed",
        [
          { x: 1, y: 300 },
          { x: 4, y: 900 },
        ],
      ],
      ["single", [{ x: 2, y: 500 }]],
    ]);
    expect(chart.data.datasets[0]?.borderColor).not.toBe(chart.data.datasets[1]?.borderColor);
  });
});

describe("singleVsDistributedChart", () => {
  it("puts each mode's throughput and median latency on their own axes, 0 where missing", () => {
    const chart = singleVsDistributedChart(
      [
        { mode: "single device", outputTokensPerS: 600, e2eP50Ms: 90 },
        { mode: "distributed", outputTokensPerS: null, e2eP50Ms: 88 },
      ],
      "1.2×",
    );
    expect(chart.data.labels).toEqual(["single device", "distributed"]);
    expect(chart.data.datasets.map((d) => [d.yAxisID, d.data])).toEqual([
      ["y", [600, 0]],
      ["y1", [90, 88]],
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
  });
});
