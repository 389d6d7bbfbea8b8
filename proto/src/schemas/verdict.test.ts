import { describe, expect, expectTypeOf, it } from "vitest";
import type { z } from "zod";
import type { MetricVerdict } from "./verdict.js";
import { checkVerdict, Verdict } from "./verdict.js";

// Shaped like a verdict.json archived before the two tiers: no mdePct, needsConfirmation,
// confirmation or tiers; a p-value that was NaN was written by JSON as null.
const OLD = {
  conclusion: "failure",
  kind: "regressed",
  reason: "1 metric regressed: inference.ttft_ms +7.9 % [+5.1, +10.8]",
  baseline: { runId: "main-41", commit: "a".repeat(40) },
  metrics: [
    {
      key: "inference.ttft_ms",
      unit: "ms",
      direction: "lower_is_better",
      gated: true,
      outcome: "regressed",
      reason: "inference.ttft_ms regressed: +7.9 % [+5.1, +10.8] (p=0.002)",
      thresholdPct: 5,
      samples: { current: 20, baseline: 20 },
      change: { ratio: 1.079, percent: 7.9, lowerPercent: 5.1, upperPercent: 10.8 },
      evidence: {
        rankP: 1e-5,
        rankMethod: "normal",
        runNoiseP: 0.0004,
        worseP: 0.0002,
        betterP: 0.9998,
        adjustedWorseP: 0.002,
        adjustedBetterP: null,
        runNoisePct: 1.2,
        historyRuns: 40,
        runNoiseAssumed: false,
      },
      moreSamplesNeeded: null,
    },
  ],
};

describe("the Verdict schema", () => {
  it("reads a verdict archived before the two tiers, with defaults for the new fields", () => {
    const v = Verdict.parse(OLD);
    expect(v.tiers).toBeUndefined();
    expect(v.metrics[0]).toMatchObject({
      mdePct: null,
      needsConfirmation: false,
      confirmation: null,
    });
    expect(v.metrics[0]?.evidence?.adjustedBetterP).toBeNaN();
  });

  it("reads one with both tiers", () => {
    const confirmed = {
      ...OLD,
      tiers: {
        screen: { conclusion: "neutral", kind: "inconclusive", reason: "1 metric inconclusive" },
        confirmation: {
          conclusion: "failure",
          kind: "regressed",
          reason: OLD.reason,
          pairs: 6,
          metrics: ["inference.ttft_ms"],
        },
      },
      metrics: OLD.metrics.map((m) => ({
        ...m,
        mdePct: 4.2,
        confirmation: {
          pairs: 6,
          method: "paired-t",
          percent: 5.4,
          lowerPercent: 3.9,
          upperPercent: 6.8,
          worseP: 0.001,
          adjustedWorseP: 0.001,
          screenOutcome: "inconclusive",
        },
      })),
    };
    const v = Verdict.parse(confirmed);
    expect(v.tiers?.confirmation?.pairs).toBe(6);
    expect(v.metrics[0]?.confirmation?.screenOutcome).toBe("inconclusive");
  });

  it.each([
    ["an unknown kind", { ...OLD, kind: "maybe" }, /^not a verdict \(kind: /],
    [
      "an unknown outcome",
      { ...OLD, metrics: [{ ...OLD.metrics[0], outcome: "worse" }] },
      /metrics\.0\.outcome/,
    ],
    [
      "a string for a number",
      { ...OLD, metrics: [{ ...OLD.metrics[0], thresholdPct: "5" }] },
      /metrics\.0\.thresholdPct/,
    ],
    ["not an object", "verdict", /^not a verdict \(\(root\): /],
  ])("names the bad field of %s", (_name, input, problem) => {
    const checked = checkVerdict(input);
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.problem).toMatch(problem);
  });

  it("has a parsed type that every written verdict satisfies, and the reverse", () => {
    type Written = z.input<typeof MetricVerdict>;
    // What the engine writes (all fields set) is input the schema accepts…
    expectTypeOf<MetricVerdict>().toExtend<Written>();
    // …and parsing gives the engine's type back.
    expectTypeOf<ReturnType<typeof Verdict.parse>>().toEqualTypeOf<Verdict>();
  });
});
