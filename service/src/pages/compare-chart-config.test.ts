import { describe, expect, it } from "vitest";
import { compareChartConfig, compareChartHeight } from "./chart-configs.js";
import type { CompareRow } from "./compare-runs.js";

function row(key: string, changePct: number | null, better: boolean | null): CompareRow {
  return {
    key,
    label: key,
    unit: "ms",
    direction: "lower_is_better",
    a: changePct === null ? null : 100,
    b: changePct === null ? null : 100 + changePct,
    changePct,
    better,
    words: { text: "", label: "", judged: false },
  };
}

describe("compareChartConfig", () => {
  const rows = [
    row("inference.tpot_ms", 30.2, false),
    row("inference.ttft_ms", -8, true),
    row("inference.new_metric", null, null),
    row("throughput.requests_per_s", 0.4, null),
  ];
  const chart = compareChartConfig(rows, "push-1", "pr-2");

  it("has one bar per comparable metric, its median change, in the rows' order", () => {
    expect(chart.data.labels).toEqual([
      "inference.tpot_ms",
      "inference.ttft_ms",
      "throughput.requests_per_s",
    ]);
    expect(chart.data.datasets[0]?.data).toEqual([30.2, -8, 0.4]);
  });

  it("colours worse red, better green and unmoved grey", () => {
    expect(chart.data.datasets[0]?.backgroundColor).toEqual(["#dc2626", "#16a34a", "#6b7280"]);
  });

  it("names both runs in the title, B against A", () => {
    expect(chart.options?.plugins?.title?.text).toBe(
      "Run pr-2 against run push-1: change of each metric's median",
    );
  });

  it.each([
    [0, 260],
    [3, 308],
    [40, 1200],
  ])("is tall enough for %i bars: %i px", (n, px) => {
    expect(compareChartHeight(Array.from({ length: n }, (_, i) => row(`m${i}`, 1, null)))).toBe(px);
  });
});
