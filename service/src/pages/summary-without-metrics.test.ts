import { describe, expect, it } from "vitest";
import { renderMarkdown } from "./render-markdown.js";
import { dropMetricTables } from "./summary-without-metrics.js";

// The check summary as the worker writes it (render-summary.ts): a table of gated and changed
// metrics, the rest in <details>, a log excerpt in another.
const HEAD = [
  "| metric | baseline | current | change | 95 % interval | threshold | detectable | n | verdict |",
  "| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | --- |",
];
const row = (key: string, verdict: string): string =>
  `| \`${key}\` | 100 ms | 130 ms | +30.0 % ↑ worse | [+23, +37] | ±5 % | ±4 % | 20 vs 20 | ${verdict} |`;
const SUMMARY = [
  "❌ 1 regressed · ✅ 1 unchanged — `inference.tpot_p50_ms` +30.0 % [+23, +37]",
  "",
  "Commit `0123456789ab` against baseline `push-b6a03eda`.",
  "",
  ...HEAD,
  row("inference.tpot_p50_ms", "🔴 regressed"),
  row("inference.ttft_p50_ms", "⚪ unchanged"),
  "",
  "<details><summary>2 more metrics</summary>",
  "",
  "- `inference.tpot_p50_ms`: screen +29 %; +30 % → 🔴 regressed",
  "",
  ...HEAD,
  row("communication.grpc_p99_ms (not gated)", "⚪ unchanged"),
  row("throughput.output_tokens_per_s (not gated)", "⚪ unchanged"),
  "",
  "… 3 more metrics in the full report.",
  "",
  "</details>",
  "",
  "| figure | value |",
  "| --- | --- |",
  "| readiness | READY |",
  "",
  "<details open><summary>cluster log</summary>",
  "",
  "```",
  "device 2 did not answer",
  "```",
  "</details>",
  "",
  "Deployment readiness: **READY**",
].join("\n");

describe("the run page's summary without the check's metric tables", () => {
  const kept = dropMetricTables(SUMMARY);

  it("drops every metric row and the count of rows left out", () => {
    expect(kept).not.toMatch(/inference\.ttft_p50_ms|communication\.grpc_p99_ms|throughput\./);
    expect(kept).not.toContain("| metric |");
    expect(kept).not.toContain("more metrics in the full report");
  });

  it("keeps the words: headline, baseline, tiers' detail, other tables, the log", () => {
    expect(kept).toContain("❌ 1 regressed");
    expect(kept).toContain("against baseline `push-b6a03eda`");
    expect(kept).toContain("- `inference.tpot_p50_ms`: screen +29 %");
    expect(kept).toContain("| readiness | READY |");
    expect(kept).toContain("**cluster log**");
    expect(kept).toContain("device 2 did not answer");
    expect(kept).toContain("Deployment readiness: **READY**");
    expect(kept).not.toMatch(/<\/?details|<summary>/);
    // the folded block's title counted metric rows that are gone; its remaining detail is not that
    expect(kept).not.toContain("2 more metrics");
  });

  it("drops a <details> block that held nothing but metric rows", () => {
    const only = ["verdict", "", "<details><summary>40 more metrics</summary>", "", ...HEAD];
    only.push(row("a.b", "⚪ unchanged"), "", "</details>", "", "end");
    expect(dropMetricTables(only.join("\n")).split(/\n+/)).toEqual(["verdict", "end"]);
  });

  it("renders to one table, not a metrics table", () => {
    const html = renderMarkdown(kept);
    expect(html.match(/<table>/g)).toHaveLength(1);
    expect(html).toContain("<td>readiness</td>");
  });

  it("leaves a summary without metric tables as it was", () => {
    const plain = "# Executive summary\n\n| figure | value |\n| --- | --- |\n| p50 | 1 ms |\n";
    expect(dropMetricTables(plain)).toBe(plain);
  });
});
