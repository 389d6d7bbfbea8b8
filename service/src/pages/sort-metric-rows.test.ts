import { describe, expect, it } from "vitest";
import type { MetricRow } from "./compare-runs.js";
import { sortMetricRows } from "./sort-metric-rows.js";

function row(key: string, outcome: string | null, gated: boolean, percent?: number): MetricRow {
  return {
    key,
    label: key,
    unit: "ms",
    direction: "lower_is_better",
    gated,
    baseline: 1,
    current: 1,
    change:
      percent === undefined
        ? null
        : { percent, lowerPercent: percent - 1, upperPercent: percent + 1 },
    outcome,
    words: null,
    reason: null,
    thresholdPct: 5,
    mdePct: null,
    mdeAssumed: false,
    confirmation: null,
  };
}

describe("sortMetricRows", () => {
  it("puts the regression first, undecided next, unchanged and unjudged last", () => {
    const sorted = sortMetricRows([
      row("a.unchanged", "unchanged", true, 1),
      row("b.none", null, false),
      row("c.few", "insufficient_samples", false),
      row("d.inconclusive", "inconclusive", true, 8),
      row("e.regressed", "regressed", true, 30),
      row("f.improved", "improved", false, -20),
    ]);
    expect(sorted.map((r) => r.key)).toEqual([
      "e.regressed",
      "d.inconclusive",
      "f.improved",
      "a.unchanged",
      "c.few",
      "b.none",
    ]);
  });

  it("within an outcome: gated first, then the larger change, then the suite's order", () => {
    const sorted = sortMetricRows([
      row("x.small", "unchanged", true, 1),
      row("y.ungated-big", "unchanged", false, 40),
      row("z.big", "unchanged", true, -9),
      row("w.tie", "unchanged", true, 1),
    ]);
    expect(sorted.map((r) => r.key)).toEqual(["z.big", "x.small", "w.tie", "y.ungated-big"]);
  });
});
