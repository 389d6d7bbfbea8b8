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
  it("says the verdict once, then a row per metric with baseline, current, way, interval and threshold", () => {
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
      runUrl: "https://x.example/reports/o/r/runs/push-2",
      charts: [{ label: "latency", url: "https://x.example/latency.png" }],
    });
    const lines = text.split("\n");
    expect(lines[0]).toBe(
      "❌ 🔴 1 regressed · ⚪ 1 unchanged — inference.e2e_ms +30.0 % ↑ worse [+28.0, +32.0]",
    );
    expect(text.match(/regressed/g)).toHaveLength(2); // the first line and the row, nowhere else
    const rows = lines.filter((l) => l.startsWith("| ["));
    expect(rows[0]).toBe(
      "| [`inference.e2e_ms`](https://x.example/reports/o/r/trends?run=push-2#m-inference.e2e_ms) | 100.0 ms | 130.0 ms | +30.0 % ↑ worse | [+28.0, +32.0] | ±5 % | — | 8 vs 8 | 🔴 regressed |",
    );
    expect(text).toContain("[latency](https://x.example/latency.png)");
    expect(text).toContain(
      "against baseline [`base-1`](https://x.example/reports/o/r/runs/base-1) (`bbbbbbbbbbbb`). [run page](https://x.example/reports/o/r/runs/push-2) · [compare](https://x.example/reports/o/r/compare?a=base-1&b=push-2)",
    );
  });

  it("shows the change charts on one line: images inline, the rest as links", () => {
    const text = renderSummary({
      conclusion: "failure",
      reason: "1 metric regressed: inference.e2e_ms",
      commit: "c".repeat(40),
      verdict: verdict([metric("inference.e2e_ms", "regressed", 30)]),
      runResult: sampleRunResult({ scale: 1.3 }),
      changeCharts: [
        {
          label: "inference.e2e_ms: baseline vs this run",
          url: "https://qc.example/chart?c=1",
          image: true,
        },
        {
          label: "inference.ttft_ms: baseline vs this run",
          url: "https://x.example/t.png",
          image: false,
        },
      ],
    });
    const line = text.split("\n").filter((l) => l.includes("baseline vs this run"));
    expect(line).toEqual([
      "![inference.e2e_ms: baseline vs this run](https://qc.example/chart?c=1) [inference.ttft_ms: baseline vs this run](https://x.example/t.png)",
    ]);
  });

  it("shows 52 metrics in at most 30 lines, ten rows, the rest collapsed", () => {
    const many = Array.from({ length: 52 }, (_, i) =>
      i === 7
        ? metric("inference.tpot_ms", "regressed", 30.2)
        : { ...metric(`m.metric_${i}`, "unchanged", 0.5), gated: i < 3 },
    );
    const text = renderSummary({
      conclusion: "failure",
      reason: "1 metric regressed",
      commit: "c".repeat(40),
      verdict: verdict(many),
      runResult: sampleRunResult({ scale: 1 }),
      runUrl: "https://x.example/reports/o/r/runs/push-2",
    });
    const [visible = "", collapsed = ""] = text.split("<details>");
    const after = text.split("</details>")[1] ?? "";
    // What a reader sees before opening anything: the lines outside <details>, plus its summary line.
    const seen = visible.trimEnd().split("\n").length + 1 + after.trim().split("\n").length;
    expect(seen).toBeLessThanOrEqual(30);
    expect(visible.split("\n").filter((l) => l.startsWith("| ["))).toHaveLength(4);
    expect(visible).toContain("inference.tpot_ms");
    expect(collapsed).toMatch(/^<summary>48 more metrics<\/summary>/);
    // Collapsed rows without trend links: those would double the comment's size.
    expect(collapsed.split("\n").filter((l) => l.startsWith("| `"))).toHaveLength(48);
  });

  it("shows each metric's minimum detectable effect, marking noise that was assumed", () => {
    const evidence = (historyRuns: number) => ({
      rankP: 0.5,
      rankMethod: "exact" as const,
      runNoiseP: 0.5,
      worseP: 0.5,
      betterP: 0.5,
      adjustedWorseP: 1,
      adjustedBetterP: 1,
      runNoisePct: 2,
      historyRuns,
      runNoiseAssumed: historyRuns === 0,
    });
    const measured = { ...metric("inference.e2e_ms", "unchanged", 1), mdePct: 7.25 };
    const text = renderSummary({
      conclusion: "success",
      reason: "no regression",
      commit: "c".repeat(40),
      verdict: verdict([{ ...measured, evidence: evidence(42) }]),
      runResult: null,
    });
    expect(text.split("\n").find((l) => l.startsWith("| `inference.e2e_ms`"))).toContain(
      "| ±7.3 % |",
    );
    expect(text).toContain("(run-to-run noise measured on 42 default-branch runs)");
    expect(text).not.toContain("assumed");
    const assumed = renderSummary({
      conclusion: "success",
      reason: "no regression",
      commit: "c".repeat(40),
      verdict: verdict([{ ...measured, mdePct: 12.4, evidence: evidence(0) }]),
      runResult: null,
    });
    expect(assumed).toContain("| ±12 %* |");
    const blunt = renderSummary({
      conclusion: "success",
      reason: "no regression",
      commit: "c".repeat(40),
      verdict: verdict([{ ...measured, mdePct: 1.7e17, evidence: evidence(3) }]),
      runResult: null,
    });
    expect(blunt).toContain("| > ±1000 % |");
    expect(assumed).toContain(
      "⚠️ Run-to-run noise was **assumed** for 1 of 1 metrics (marked *): the default branch has 0 earlier runs of this setup",
    );
    // Assumed on a short history: the note counts the runs there were, not 0.
    const short = renderSummary({
      conclusion: "success",
      reason: "no regression",
      commit: "c".repeat(40),
      verdict: verdict([{ ...measured, evidence: { ...evidence(3), runNoiseAssumed: true } }]),
      runResult: null,
    });
    expect(short).toContain(
      "the default branch has 3 earlier runs of this setup, too few to measure it",
    );
  });

  it("shows both tiers when the screen was confirmed by A/B pairs", () => {
    const confirmed: MetricVerdict = {
      ...metric("inference.ttft_ms", "regressed", 6.1),
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
    };
    const text = renderSummary({
      conclusion: "failure",
      reason: "1 metric regressed: inference.ttft_ms",
      commit: "c".repeat(40),
      verdict: {
        ...verdict([confirmed]),
        tiers: {
          screen: {
            conclusion: "neutral",
            kind: "inconclusive",
            reason: "ttft flagged by the screen",
          },
          confirmation: {
            conclusion: "failure",
            kind: "regressed",
            reason: "1 metric regressed",
            pairs: 6,
            metrics: ["inference.ttft_ms"],
          },
        },
      },
      runResult: null,
    });
    expect(text).toContain(
      "**Screen** (this run against the default branch's history): ⚪ ttft flagged by the screen",
    );
    expect(text).toContain("**Confirmation** (6 A/B pairs of the merge-base and this commit");
    expect(text).toContain(
      "- `inference.ttft_ms`: screen +6.1 % [+4.1, +8.1]; +5.4 % [+3.9, +6.8] (6 A/B pairs) → 🔴 regressed",
    );
    // The row shows the interval that decided: the pairs'.
    expect(text.split("\n").find((l) => l.startsWith("| `inference.ttft_ms`"))).toContain(
      "| +5.4 % ↑ worse | [+3.9, +6.8] (6 A/B pairs) |",
    );
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
