import { describe, expect, it } from "vitest";
import type { MetricVerdict, Verdict } from "@mlxbench/verdict";
import { sampleRunResult } from "@mlxbench/archive/testing";
import { fence, renderSummary, renderTitle, truncateText } from "./index.js";

function metric(key: string, outcome: MetricVerdict["outcome"], percent: number): MetricVerdict {
  return {
    key,
    unit: "ms",
    direction: "lower_is_better",
    gated: true,
    outcome,
    reason: `${key} ${outcome}`,
    thresholdPct: 5,
    samples: { current: 8, baseline: 8 },
    change: {
      ratio: 1 + percent / 100,
      percent,
      lowerPercent: percent - 2,
      upperPercent: percent + 2,
    },
    evidence: null,
    moreSamplesNeeded: null,
    mdePct: null,
    needsConfirmation: false,
    confirmation: null,
  };
}

const verdict = (metrics: MetricVerdict[]): Verdict => ({
  conclusion: "failure",
  kind: "regressed",
  reason: "1 metric regressed: inference.e2e_ms",
  baseline: { runId: "base-1", commit: "b".repeat(40) },
  metrics,
});

describe("renderSummary", () => {
  it("shows baseline, current, change, interval and verdict per metric, regressions first", () => {
    const run = sampleRunResult({ scale: 1.3 });
    const text = renderSummary({
      conclusion: "failure",
      reason: "1 metric regressed: inference.e2e_ms",
      commit: "c".repeat(40),
      verdict: verdict([
        metric("throughput.output_tokens_per_s", "unchanged", 0.5),
        metric("inference.e2e_ms", "regressed", 30),
      ]),
      runResult: run,
      runUrl: "https://x.example/run",
      charts: [{ label: "latency", url: "https://x.example/latency.png" }],
    });
    const rows = text.split("\n").filter((l) => l.startsWith("| `"));
    expect(rows[0]).toContain("inference.e2e_ms");
    expect(rows[0]).toContain("🔴 regressed");
    expect(rows[0]).toContain("+30.0 %");
    expect(rows[0]).toContain("[+28.0 %, +32.0 %]");
    // current median 130 ms, baseline = 130 / 1.3 = 100 ms
    expect(rows[0]).toContain("| 100.0 ms | 130.0 ms |");
    expect(text).toContain("[latency](https://x.example/latency.png)");
    expect(text).toContain("compared with run `base-1`");
  });

  it("stays within the limit by dropping rows and saying how many", () => {
    const many = Array.from({ length: 3000 }, (_, i) =>
      metric(`component.metric_with_a_long_name_${i}`, "unchanged", 1),
    );
    const text = renderSummary(
      {
        conclusion: "success",
        reason: "fine",
        commit: "c".repeat(40),
        verdict: verdict(many),
        runResult: null,
      },
      65_535,
    );
    expect(text.length).toBeLessThanOrEqual(65_535);
    expect(text).toMatch(/… \d+ more metrics in the full report/);
  });

  it("shortens a long log to its end and keeps it fenced", () => {
    const log = `${"start\n".repeat(20_000)}the last line says why\n`;
    const text = renderSummary(
      {
        conclusion: "failure",
        reason: "cluster did not start",
        commit: "c".repeat(40),
        verdict: null,
        runResult: null,
        log: { label: "cluster log", text: log },
      },
      10_000,
    );
    expect(text.length).toBeLessThanOrEqual(10_000);
    expect(text).toContain("the last line says why");
  });

  it("uses a fence a log cannot close", () => {
    expect(fence("a ``` b")).toMatch(/^````\n/);
  });

  it.each([
    ["success", "No regression"],
    ["cancelled", "Cancelled"],
  ] as const)("titles %s as %s", (conclusion, title) => {
    expect(
      renderTitle({
        conclusion,
        verdict:
          conclusion === "success" ? { ...verdict([]), conclusion: "success", kind: "ok" } : null,
      }),
    ).toBe(title);
  });
});

describe("truncateText", () => {
  it("never splits a surrogate pair", () => {
    const out = truncateText("😀".repeat(10), 7, "…");
    expect(out.length).toBeLessThanOrEqual(7);
    expect(out).toBe("😀😀😀…");
  });
});
