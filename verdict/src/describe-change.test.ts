import { describe, expect, it } from "vitest";
import { describeChange, formatChangeWithWay, formatInterval } from "./describe-change.js";
import type { MetricVerdict } from "./metric-verdict.js";
import { summarizeVerdict } from "./summarize-verdict.js";

function metric(extra: Partial<MetricVerdict> = {}): MetricVerdict {
  return {
    key: "inference.tpot_ms",
    unit: "ms",
    direction: "lower_is_better",
    gated: true,
    outcome: "inconclusive",
    reason: "",
    thresholdPct: 5,
    samples: { current: 3, baseline: 3 },
    change: { ratio: 1, percent: 0, lowerPercent: -1, upperPercent: 1 },
    evidence: null,
    moreSamplesNeeded: null,
    mdePct: null,
    needsConfirmation: false,
    confirmation: null,
    ...extra,
  };
}

const at = (percent: number, lowerPercent: number, upperPercent: number) => ({
  ratio: 1 + percent / 100,
  percent,
  lowerPercent,
  upperPercent,
});

describe("describeChange: labels that agree with the interval and the threshold", () => {
  it.each([
    // [outcome, interval, label]: the boundaries of ±5 %
    ["unchanged", at(0, -5, 5), "unchanged"], // touching both ends is within
    ["inconclusive", at(0, -4.9, 4.9), "unchanged"],
    ["unchanged", at(3, -1, 5.01), "not_decided"], // one end just past: not unchanged
    ["unchanged", at(64.9, 56.4, 94.4), "unconfirmed_worse"], // the "+64.9 % unchanged"
    ["inconclusive", at(-22.8, -26.8, -18.3), "unconfirmed_better"], // lower is better: faster
    ["inconclusive", at(7, 5, 9), "not_decided"], // touching the threshold is not past it
    ["inconclusive", at(7, 5.01, 9), "unconfirmed_worse"],
    ["unchanged", at(174.4, Number.NaN, Number.NaN), "not_decided"],
    ["regressed", at(30, 23, 37), "regressed"],
    ["improved", at(-30, -37, -23), "improved"],
    ["missing", null, "missing"],
    ["new", null, "new"],
    ["invalid", null, "invalid"],
    ["insufficient_samples", null, "not_decided"],
  ] as const)("%s with %o is %s", (outcome, change, label) => {
    expect(describeChange(metric({ outcome, change })).label).toBe(label);
  });

  it("reads the interval the other way round for a metric where higher is better", () => {
    const up = metric({ direction: "higher_is_better", change: at(-22.8, -26.8, -18.3) });
    expect(describeChange(up)).toMatchObject({
      label: "unconfirmed_worse",
      text: "🟠 unconfirmed: worse past ±5 %",
      way: "worse",
    });
    expect(formatChangeWithWay(up)).toBe("−22.8 % ↓ worse");
    expect(formatChangeWithWay(metric({ change: at(-22.8, -26.8, -18.3) }))).toBe(
      "−22.8 % ↓ better",
    );
  });

  it("says how many samples would decide, or that more runs would", () => {
    const open = metric({ change: at(3, -2, 8), moreSamplesNeeded: 29.2 });
    expect(describeChange(open).text).toBe("🟡 not decided (n=3 vs 30 needed)");
    expect(describeChange(metric({ change: at(3, -2, 8), needsConfirmation: true })).text).toBe(
      "🟡 not decided (A/B pairs needed)",
    );
    expect(
      describeChange(
        metric({ outcome: "insufficient_samples", samples: { current: 1, baseline: 5 } }),
      ).text,
    ).toBe("🟡 not decided (n=1 vs 2 needed)");
  });

  it("decides by the pairs' interval when pairs ran, and says so", () => {
    const confirmed = metric({
      change: at(12, 6, 18), // the screen's interval lies past +5 %
      confirmation: {
        pairs: 10,
        method: "paired-yuen",
        percent: 0.4,
        lowerPercent: -1.2,
        upperPercent: 2,
        worseP: 0.4,
        adjustedWorseP: 0.4,
        screenOutcome: "inconclusive",
      },
      outcome: "unchanged",
    });
    expect(describeChange(confirmed)).toMatchObject({
      label: "unchanged",
      interval: { source: "pairs" },
    });
    expect(formatInterval(confirmed)).toBe("[−1.2, +2.0] (10 A/B pairs)");
  });
});

describe("summarizeVerdict", () => {
  it("says the verdict once: counts per label and the headline change", () => {
    const v = {
      conclusion: "failure" as const,
      kind: "regressed" as const,
      reason: "1 metric regressed: inference.tpot_ms",
      baseline: { runId: "push-1", commit: null },
      metrics: [
        metric({ key: "a", outcome: "unchanged" }),
        metric({ key: "inference.tpot_ms", outcome: "regressed", change: at(30.2, 23, 37.1) }),
        metric({ key: "b", change: at(3, -2, 8), moreSamplesNeeded: 30 }),
        metric({ key: "c", outcome: "unchanged" }),
      ],
    };
    const s = summarizeVerdict(v);
    expect(s.line).toBe(
      "🔴 1 regressed · 🟡 1 not decided · ⚪ 2 unchanged — inference.tpot_ms +30.2 % ↑ worse [+23.0, +37.1]",
    );
    expect(s.ranked.map((d) => d.metric.key)).toEqual(["inference.tpot_ms", "b", "a", "c"]);
  });

  it("is the verdict's reason when no metric was compared", () => {
    const v = {
      conclusion: "neutral" as const,
      kind: "no_baseline" as const,
      reason: "no comparable baseline (no archived runs)",
      baseline: null,
      metrics: [],
    };
    expect(summarizeVerdict(v)).toMatchObject({ line: v.reason, headline: null });
  });
});
