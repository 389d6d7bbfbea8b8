import { describe, expect, it } from "vitest";
import { MetricVerdict, type RunResult } from "@mlxbench/proto";
import { baselineVsRunInputOf } from "./changed-metrics.js";

// The chart beside a metric's words must draw the interval those words were read from.
const run = (samples: number[]): RunResult =>
  ({
    metrics: [{ key: "inference.tpot_ms", label: "TPOT p50", samples }],
  }) as unknown as RunResult;

const screenOnly = MetricVerdict.parse({
  key: "inference.tpot_ms",
  unit: "ms",
  direction: "lower_is_better",
  gated: true,
  outcome: "inconclusive",
  reason: "close call",
  thresholdPct: 15,
  samples: { current: 4, baseline: 4 },
  change: { ratio: 1.285, percent: 28.5, lowerPercent: -20.7, upperPercent: 109.8 },
});

describe("baselineVsRunInputOf", () => {
  it("draws the screen's interval when no A/B pairs ran", () => {
    const input = baselineVsRunInputOf(screenOnly, run([13, 12, 13, 12.5]), run([10, 9, 11, 10]));
    expect(input?.change).toMatchObject({
      percent: 28.5,
      lowerPercent: -20.7,
      upperPercent: 109.8,
    });
  });

  it("draws the A/B pairs' interval when they decided, as the label beside it says", () => {
    const confirmed = MetricVerdict.parse({
      ...screenOnly,
      outcome: "regressed",
      confirmation: {
        pairs: 6,
        method: "paired-t",
        percent: 29.8,
        lowerPercent: 22.6,
        upperPercent: 36.8,
        worseP: 0.001,
        adjustedWorseP: 0.003,
        screenOutcome: "inconclusive",
      },
    });
    const input = baselineVsRunInputOf(confirmed, run([13, 12, 13, 12.5]), run([10, 9, 11, 10]));
    expect(input?.change).toMatchObject({ percent: 29.8, lowerPercent: 22.6, upperPercent: 36.8 });
    expect(input?.outcome).toBe("regressed");
  });
});
