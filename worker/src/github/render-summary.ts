import type { RunResult } from "@mlxbench/proto";
import {
  describeChange,
  formatChange,
  formatScreenChange,
  summarizeVerdict,
  type Verdict,
} from "@mlxbench/verdict";
import { LIMITS, truncateText } from "./limits.js";
import {
  TABLE_HEAD,
  currentMetrics,
  escapeCell,
  isShownFirst,
  renderMetricRow,
  renderNoiseNote,
} from "./render-metric-table.js";

export type CheckConclusion = "success" | "failure" | "neutral" | "cancelled";

export interface SummaryInput {
  conclusion: CheckConclusion;
  /** One line: the verdict's reason or what went wrong. */
  reason: string;
  commit: string;
  verdict: Verdict | null;
  runResult: RunResult | null;
  /** The run's page in the archive (…/reports/owner/repo/runs/ID): baseline, compare and trend links derive from it. */
  runUrl?: string;
  charts?: { label: string; url: string }[];
  /** Baseline vs this run per changed metric: inline images, or links where an image cannot show. */
  changeCharts?: { label: string; url: string; image: boolean }[];
  notes?: string[];
  /** A log excerpt to show (the cluster's, when it failed to start). */
  log?: { label: string; text: string };
}

const ICON: Record<CheckConclusion, string> = {
  success: "✅",
  failure: "❌",
  neutral: "⚪",
  cancelled: "⏹️",
};
/** The check's title: the conclusion in a few words. */
export function renderTitle(input: Pick<SummaryInput, "conclusion" | "verdict">): string {
  const v = input.verdict;
  switch (input.conclusion) {
    case "success":
      return v?.kind === "ok" ? "No regression" : "Passed";
    case "failure": {
      const n = v?.metrics.filter((m) => m.gated && m.outcome === "regressed").length ?? 0;
      if (v?.kind === "regressed") return `${n} metric${n === 1 ? "" : "s"} regressed`;
      if (v?.kind === "validation_failed") return "Validation failed";
      return "Failed";
    }
    case "neutral":
      return v?.kind === "no_baseline"
        ? "No baseline to compare with"
        : v?.kind === "inconclusive"
          ? "Inconclusive"
          : "Neutral";
    case "cancelled":
      return "Cancelled";
  }
}

/** Both tiers, when the screen asked for a confirmation: what each concluded (two lines). */
export function renderTiers(verdict: Verdict): string[] {
  const tiers = verdict.tiers;
  if (!tiers?.confirmation) return [];
  return [
    "",
    `**Screen** (this run against the default branch's history): ${ICON[tiers.screen.conclusion]} ${escapeCell(tiers.screen.reason)}`,
    `**Confirmation** (${tiers.confirmation.pairs} A/B pairs of the merge-base and this commit, interleaved A/B/B/A on the same cluster): ${ICON[tiers.confirmation.conclusion]} ${escapeCell(tiers.confirmation.reason)}`,
  ];
}

/** Per confirmed metric, what the screen saw and what the pairs decided: detail for the collapsed part. */
export function renderTierDetail(verdict: Verdict): string[] {
  return verdict.metrics.flatMap((m) =>
    m.confirmation === null
      ? []
      : [
          `- \`${escapeCell(m.key)}\`: screen ${formatScreenChange(m)}; ${formatChange(m)} → ${describeChange(m).text}`,
        ],
  );
}

/** A code fence longer than any backtick run inside `text`, so a log cannot break out of it. */
export function fence(text: string, info = ""): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const f = "`".repeat(longest + 1);
  return `${f}${info}\n${text}\n${f}`;
}

/** Rows shown before the rest is collapsed: the comment is read in ten seconds. */
export const VISIBLE_ROWS = 10;

/** Links beside the run's: the baseline's page, compare side by side, a metric's trend. */
export function deriveReportLinks(
  runUrl: string | undefined,
  baselineRunId: string | null,
): { baselineUrl?: string; compareUrl?: string; trendUrl?: (key: string) => string } {
  const m = runUrl === undefined ? null : /^(.*)\/runs\/([^/?#]+)$/.exec(runUrl);
  if (m === null) return {};
  const [, root = "", runId = ""] = m;
  // ?run= puts this run's point on the chart and unfolds the metrics it changed.
  const trendUrl = (key: string): string =>
    `${root}/trends?run=${runId}#m-${encodeURIComponent(key)}`;
  if (baselineRunId === null) return { trendUrl };
  const base = encodeURIComponent(baselineRunId);
  return {
    baselineUrl: `${root}/runs/${base}`,
    compareUrl: `${root}/compare?a=${base}&b=${runId}`,
    trendUrl,
  };
}

/**
 * The PR summary, read in ten seconds: the verdict once (counts and the headline change), links to
 * this run, its baseline and compare, a table of gated and changed metrics (at most VISIBLE_ROWS)
 * and everything else in <details>, a note when noise was assumed, then charts and notes. Fits
 * `max` characters: collapsed rows are dropped from the end first (with a count of what was left
 * out), then the log excerpt is shortened, then the whole text is cut.
 */
export function renderSummary(input: SummaryInput, max: number = LIMITS.checkSummary): string {
  const v = input.verdict;
  const summary = v ? summarizeVerdict(v) : null;
  const decided =
    v !== null && v.metrics.length > 0 && ["ok", "regressed", "inconclusive"].includes(v.kind);
  const head =
    decided && summary
      ? [`${ICON[input.conclusion]} ${escapeCell(summary.line)}`]
      : [`${ICON[input.conclusion]} **${renderTitle(input)}** — ${escapeCell(input.reason)}`];
  if (!decided && summary && v && v.metrics.length > 0) head.push("", escapeCell(summary.line));
  const links = deriveReportLinks(input.runUrl, v?.baseline?.runId ?? null);
  const base = v?.baseline;
  const against = base
    ? ` against baseline ${links.baselineUrl ? `[\`${base.runId}\`](${links.baselineUrl})` : `\`${base.runId}\``}${base.commit ? ` (\`${base.commit.slice(0, 12)}\`)` : ""}`
    : "";
  const go = [
    input.runUrl ? `[run page](${input.runUrl})` : null,
    links.compareUrl ? `[compare](${links.compareUrl})` : null,
  ].filter((x): x is string => x !== null);
  head.push(
    "",
    `Commit \`${input.commit.slice(0, 12)}\`${against}.${go.length ? ` ${go.join(" · ")}` : ""}`,
  );
  if (v) head.push(...renderTiers(v));

  const cur = currentMetrics(input.runResult);
  const ranked = summary?.ranked ?? [];
  const first = ranked.filter(isShownFirst).slice(0, VISIBLE_ROWS);
  const rest = ranked.filter((d) => !first.includes(d));
  // Trend links on the visible rows only: on 40 collapsed rows they would double the comment's size.
  const rows = [
    ...first.map((d) => renderMetricRow(d, cur, links.trendUrl)),
    ...rest.map((d) => renderMetricRow(d, cur)),
  ];
  const tierDetail = v ? renderTierDetail(v) : [];

  const tail: string[] = [];
  const noise = v ? renderNoiseNote(v.metrics) : null;
  if (noise !== null) tail.push("", noise);
  // One line for every change chart, so the comment stays short however many metrics changed.
  if (input.changeCharts?.length)
    tail.push(
      "",
      input.changeCharts
        .map((c) =>
          c.image ? `![${escapeCell(c.label)}](${c.url})` : `[${escapeCell(c.label)}](${c.url})`,
        )
        .join(" "),
    );
  if (input.charts?.length)
    tail.push(
      "",
      `Charts: ${input.charts.map((c) => `[${escapeCell(c.label)}](${c.url})`).join(" · ")}`,
    );
  if (input.runResult) {
    const r = input.runResult.readiness;
    tail.push(
      "",
      `Deployment readiness: **${r.verdict}**${r.blocking.length ? ` — blocking: ${r.blocking.map(escapeCell).join("; ")}` : ""}`,
    );
  }
  for (const n of input.notes ?? []) tail.push("", `> ${escapeCell(n)}`);

  const assemble = (rowCount: number, log: string | undefined): string => {
    const visible = rows.slice(0, Math.min(rowCount, first.length));
    const hidden = rows.slice(first.length, Math.max(first.length, rowCount));
    const omitted = rows.length - visible.length - hidden.length;
    const parts = [...head, ...(visible.length ? ["", ...TABLE_HEAD, ...visible] : [])];
    if (hidden.length || omitted > 0 || tierDetail.length) {
      const more = rest.length;
      parts.push(
        "",
        `<details><summary>${more > 0 ? `${more} more metric${more === 1 ? "" : "s"}` : "Details"}</summary>`,
        "",
        ...(tierDetail.length ? [...tierDetail, ""] : []),
        ...(hidden.length ? [...TABLE_HEAD, ...hidden, ""] : []),
        ...(omitted > 0
          ? [`… ${omitted} more metric${omitted === 1 ? "" : "s"} in the full report.`, ""]
          : []),
        "</details>",
      );
    }
    parts.push(...tail);
    if (log !== undefined && input.log)
      parts.push(
        "",
        `<details open><summary>${escapeCell(input.log.label)}</summary>`,
        "",
        fence(log),
        "",
        "</details>",
      );
    return `${parts.join("\n")}\n`;
  };
  const log = input.log?.text;
  let text = assemble(rows.length, log);
  if (text.length <= max) return text;
  // Shorten the log to its last part first: the end of a log says why it stopped.
  if (log !== undefined) {
    const without = assemble(rows.length, "").length;
    const room = max - without - 40;
    if (room > 200) {
      text = assemble(rows.length, `…\n${log.slice(-room)}`);
      if (text.length <= max) return text;
    }
  }
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (assemble(mid, undefined).length <= max) lo = mid;
    else hi = mid - 1;
  }
  return truncateText(assemble(lo, undefined), max);
}
