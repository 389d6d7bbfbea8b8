import type { MetricResult, RunResult } from "@mlxbench/proto";
import { formatMde, type MetricVerdict, type Verdict } from "@mlxbench/verdict";
import { LIMITS, truncateText } from "./limits.js";

export type CheckConclusion = "success" | "failure" | "neutral" | "cancelled";

export interface SummaryInput {
  conclusion: CheckConclusion;
  /** One line: the verdict's reason or what went wrong. */
  reason: string;
  commit: string;
  verdict: Verdict | null;
  runResult: RunResult | null;
  /** The run's page in the archive. */
  runUrl?: string;
  charts?: { label: string; url: string }[];
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
const OUTCOME_ICON: Record<string, string> = {
  regressed: "🔴 regressed",
  improved: "🟢 improved",
  unchanged: "⚪ unchanged",
  inconclusive: "🟡 inconclusive",
  missing: "⚫ missing",
  new: "🆕 new",
  insufficient_samples: "⚫ too few samples",
  invalid: "⚫ invalid",
};
const ORDER = [
  "regressed",
  "inconclusive",
  "invalid",
  "missing",
  "insufficient_samples",
  "improved",
  "unchanged",
  "new",
];

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

export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a >= 1000) return x.toFixed(0);
  if (a >= 100) return x.toFixed(1);
  if (a >= 1) return x.toFixed(2);
  return x.toPrecision(3);
}

function medianOf(m: MetricResult): number | null {
  if (m.stats) return m.stats.p50;
  const s = [...m.samples].sort((a, b) => a - b);
  if (s.length === 0) return null;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? null) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

const escapeCell = (s: string): string => s.replace(/\|/g, "\\|").replace(/\n/g, " ");
const pct = (p: number): string => `${p >= 0 ? "+" : ""}${p.toFixed(1)} %`;

/** Table rows, most important first; each row one line. */
export function renderMetricRows(verdict: Verdict, runResult: RunResult | null): string[] {
  const current = new Map((runResult?.metrics ?? []).map((m) => [m.key, m]));
  const rank = (m: MetricVerdict): number => (m.gated ? 0 : 100) + ORDER.indexOf(m.outcome);
  return [...verdict.metrics]
    .sort((a, b) => rank(a) - rank(b) || a.key.localeCompare(b.key))
    .map((m) => {
      const cur = current.get(m.key);
      const curMedian = cur ? medianOf(cur) : null;
      const base =
        m.change && curMedian !== null && m.change.ratio > 0 ? curMedian / m.change.ratio : null;
      const unit = m.unit ? ` ${m.unit}` : "";
      const cells = [
        `\`${escapeCell(m.key)}\`${m.gated ? "" : " (not gated)"}`,
        base === null ? "—" : `${formatNumber(base)}${unit}`,
        curMedian === null ? "—" : `${formatNumber(curMedian)}${unit}`,
        m.change ? pct(m.change.percent) : "—",
        m.change ? `[${pct(m.change.lowerPercent)}, ${pct(m.change.upperPercent)}]` : "—",
        renderMde(m),
        `${OUTCOME_ICON[m.outcome] ?? m.outcome}${m.confirmation ? " (A/B)" : ""}`,
      ];
      return `| ${cells.join(" | ")} |`;
    });
}

/**
 * The smallest change the screen can tell from noise at this metric's current noise, "±7 %"; "*"
 * marks noise that was assumed (too little default-branch history to measure it).
 */
export function renderMde(m: Pick<MetricVerdict, "mdePct" | "evidence">): string {
  if (m.mdePct === null || !Number.isFinite(m.mdePct)) return "—";
  return `±${formatMde(m.mdePct)} %${m.evidence?.runNoiseAssumed ? "*" : ""}`;
}

/** Both tiers, when the screen asked for a confirmation: what each concluded, and per metric the pairs' change. */
export function renderTiers(verdict: Verdict): string[] {
  const tiers = verdict.tiers;
  if (!tiers?.confirmation) return [];
  const confirmed = verdict.metrics.filter((m) => m.confirmation !== null);
  return [
    "",
    `**Screen** (this run against the default branch's history): ${ICON[tiers.screen.conclusion]} ${escapeCell(tiers.screen.reason)}`,
    "",
    `**Confirmation** (${tiers.confirmation.pairs} A/B pairs of the merge-base and this commit, run interleaved A/B/B/A on the same cluster): ${ICON[tiers.confirmation.conclusion]} ${escapeCell(tiers.confirmation.reason)}`,
    ...confirmed.map((m) => {
      const c = m.confirmation;
      if (!c) return "";
      const screen = m.change
        ? `${pct(m.change.percent)} [${pct(m.change.lowerPercent)}, ${pct(m.change.upperPercent)}]`
        : "—";
      return `- \`${escapeCell(m.key)}\`: screen ${screen}; confirmed by ${c.pairs} A/B pairs: ${pct(c.percent)} [${pct(c.lowerPercent)}, ${pct(c.upperPercent)}] → ${OUTCOME_ICON[m.outcome] ?? m.outcome}`;
    }),
  ];
}

/** Says what the "detectable" column means, once, when the table has one. */
function mdeLegend(verdict: Verdict): string[] {
  const withMde = verdict.metrics.filter((m) => m.mdePct !== null && Number.isFinite(m.mdePct));
  if (withMde.length === 0) return [];
  const assumed = withMde.some((m) => m.evidence?.runNoiseAssumed);
  const runs = Math.max(0, ...withMde.map((m) => m.evidence?.historyRuns ?? 0));
  return [
    "",
    `_detectable_: changes smaller than this cannot be told from noise on this cluster (run-to-run noise ${runs > 0 ? `measured on ${runs} default-branch runs` : "not measured yet"}).${assumed ? " * assumed: too few default-branch runs to measure it yet." : ""}`,
  ];
}

/** A code fence longer than any backtick run inside `text`, so a log cannot break out of it. */
export function fence(text: string, info = ""): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const f = "`".repeat(longest + 1);
  return `${f}${info}\n${text}\n${f}`;
}

/**
 * The PR summary: verdict, metric table (baseline, current, change, interval, verdict per metric),
 * charts and notes. Fits `max` characters: table rows are dropped from the end first (with a count
 * of what was left out), then the log excerpt is shortened, then the whole text is cut.
 */
export function renderSummary(input: SummaryInput, max: number = LIMITS.checkSummary): string {
  const head = [
    `${ICON[input.conclusion]} **${renderTitle(input)}** — ${escapeCell(input.reason)}`,
    "",
  ];
  head.push(
    `Commit \`${input.commit.slice(0, 12)}\`${input.verdict?.baseline ? ` compared with run \`${input.verdict.baseline.runId}\`${input.verdict.baseline.commit ? ` (\`${input.verdict.baseline.commit.slice(0, 12)}\`)` : ""}` : ""}.`,
  );
  if (input.verdict) head.push(...renderTiers(input.verdict));
  if (input.runUrl) head.push("", `[Full report](${input.runUrl})`);
  const rows =
    input.verdict && input.verdict.metrics.length > 0
      ? renderMetricRows(input.verdict, input.runResult)
      : [];
  const tableHead = rows.length
    ? [
        "",
        "| metric | baseline (median) | current (median) | change | 95 % interval | detectable | verdict |",
        "| --- | ---: | ---: | ---: | --- | ---: | --- |",
      ]
    : [];
  const tail: string[] = rows.length && input.verdict ? mdeLegend(input.verdict) : [];
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
    const shown = rows.slice(0, rowCount);
    const omitted = rows.length - shown.length;
    const parts = [
      ...head,
      ...(rows.length ? [...tableHead, ...shown] : []),
      ...(omitted > 0
        ? ["", `… ${omitted} more metric${omitted === 1 ? "" : "s"} in the full report.`]
        : []),
      ...tail,
    ];
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
