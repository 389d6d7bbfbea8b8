import type { Stats } from "@mlxbench/proto";
import { describe, expect, it } from "vitest";
import { latencyVsConcurrencyChart, type LatencyAtLoad } from "./latency-vs-concurrency-chart.js";

/** Stats whose p50 and p99 are the given values; the rest is not drawn. */
function stats(p50: number, p99: number): Stats {
  return { count: 10, mean: p50, min: p50, max: p99, stddev: 1, p50, p90: p99, p95: p99, p99 };
}

const AT = (concurrency: number, scale: number): LatencyAtLoad => ({
  concurrency,
  ttftMs: stats(10 * scale, 20 * scale),
  tpotMs: stats(2 * scale, 3 * scale),
  itlMs: null,
  e2eMs: stats(100 * scale, 0),
});

describe("latencyVsConcurrencyChart", () => {
  const chart = latencyVsConcurrencyChart([AT(1, 1), AT(4, 2), AT(16, 5)]);
  const byLabel = new Map(chart.data.datasets.map((d) => [d.label, d]));

  it("draws p50 and p99 of each latency at every concurrency level, in order", () => {
    expect(byLabel.get("TTFT p50")?.data).toEqual([
      { x: 1, y: 10 },
      { x: 4, y: 20 },
      { x: 16, y: 50 },
    ]);
    expect(byLabel.get("TTFT p99")?.data).toEqual([
      { x: 1, y: 20 },
      { x: 4, y: 40 },
      { x: 16, y: 100 },
    ]);
    expect(byLabel.get("TPOT p50")?.data).toEqual([
      { x: 1, y: 2 },
      { x: 4, y: 4 },
      { x: 16, y: 10 },
    ]);
  });

  it("drops what a log axis cannot show: missing stats and values ≤ 0, and lines left empty", () => {
    expect(byLabel.has("ITL p50")).toBe(false);
    expect(byLabel.has("ITL p99")).toBe(false);
    expect(byLabel.get("E2E p50")?.data).toHaveLength(3);
    expect(byLabel.has("E2E p99")).toBe(false);
    expect([...byLabel.keys()]).toEqual([
      "TTFT p50",
      "TTFT p99",
      "TPOT p50",
      "TPOT p99",
      "E2E p50",
    ]);
  });

  it("dashes p99 and not p50, on a linear concurrency axis and a log latency axis", () => {
    expect(byLabel.get("TTFT p99")?.borderDash).toEqual([6, 4]);
    expect(byLabel.get("TTFT p50")?.borderDash).toEqual([]);
    expect(chart.options?.scales?.x?.type).toBe("linear");
    expect(chart.options?.scales?.y?.type).toBe("logarithmic");
  });

  it("has no lines when no level has a latency", () => {
    const empty = latencyVsConcurrencyChart([
      { concurrency: 1, ttftMs: null, tpotMs: null, itlMs: null, e2eMs: null },
    ]);
    expect(empty.data.datasets).toEqual([]);
  });
});
