import type { MetricResult, RunResult } from "@mlxbench/proto";
import {
  formatChangeWithWay,
  formatInterval,
  formatMde,
  formatThreshold,
  type ChangeLabel,
  type DescribedMetric,
  type MetricVerdict,
} from "@mlxbench/verdict";

export const escapeCell = (s: string): string => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

export const TABLE_HEAD = [
  "| metric | baseline | current | change | 95 % interval | threshold | detectable | n | verdict |",
  "| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | --- |",
];

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

/**
 * The smallest change the screen can tell from noise at this metric's current noise, "±7 %"; "*"
 * marks noise that was assumed (too little default-branch history to measure it).
 */
export function renderMde(m: Pick<MetricVerdict, "mdePct" | "evidence">): string {
  if (m.mdePct === null || !Number.isFinite(m.mdePct)) return "—";
  const star = m.evidence?.runNoiseAssumed ? "*" : "";
  // Past 1000 % the number says only "nothing is detectable"; its digits are noise themselves.
  return m.mdePct > 1000 ? `> ±1000 %${star}` : `±${formatMde(m.mdePct)} %${star}`;
}

const CHANGED = new Set<ChangeLabel>([
  "regressed",
  "improved",
  "unconfirmed_worse",
  "unconfirmed_better",
  "missing",
  "invalid",
]);

/** Whether a row belongs in the visible table: gated, or it changed (or broke) past its threshold. */
export function isShownFirst(d: DescribedMetric): boolean {
  return d.metric.gated || CHANGED.has(d.description.label);
}

/**
 * One table row per metric: its key (linked to its trend), baseline and current medians, the
 * change with whether it is worse or better, the deciding interval, threshold, detectable change,
 * samples and the label.
 */
export function renderMetricRow(
  d: DescribedMetric,
  current: ReadonlyMap<string, MetricResult>,
  trendUrl?: (key: string) => string,
): string {
  const m = d.metric;
  const cur = current.get(m.key);
  const curMedian = cur ? medianOf(cur) : null;
  const base =
    m.change && curMedian !== null && m.change.ratio > 0 ? curMedian / m.change.ratio : null;
  const unit = m.unit ? ` ${m.unit}` : "";
  const name = `\`${escapeCell(m.key)}\``;
  const cells = [
    `${trendUrl ? `[${name}](${trendUrl(m.key)})` : name}${m.gated ? "" : " (not gated)"}`,
    base === null ? "—" : `${formatNumber(base)}${unit}`,
    curMedian === null ? "—" : `${formatNumber(curMedian)}${unit}`,
    formatChangeWithWay(m),
    formatInterval(m),
    `±${formatThreshold(m.thresholdPct)} %`,
    renderMde(m),
    `${m.samples.current} vs ${m.samples.baseline}`,
    d.description.text,
  ];
  return `| ${cells.join(" | ")} |`;
}

/** The current run's metrics by key, for the median column. */
export function currentMetrics(runResult: RunResult | null): Map<string, MetricResult> {
  return new Map((runResult?.metrics ?? []).map((m) => [m.key, m]));
}

/** Says, once, when the run-to-run noise behind the decisions was assumed or measured on few runs. */
export function renderNoiseNote(metrics: readonly MetricVerdict[]): string | null {
  const measured = metrics.filter((m) => m.evidence !== null);
  if (measured.length === 0) return null;
  const assumed = measured.filter((m) => m.evidence?.runNoiseAssumed).length;
  const runs = Math.max(0, ...measured.map((m) => m.evidence?.historyRuns ?? 0));
  if (assumed > 0)
    return `⚠️ Run-to-run noise was **assumed** for ${assumed} of ${measured.length} metrics (marked *): the default branch has ${runs} earlier run${runs === 1 ? "" : "s"} of this setup, too few to measure it. _detectable_: changes smaller than this cannot be told from noise.`;
  if (runs < 5)
    return `⚠️ Run-to-run noise measured on only ${runs} default-branch run${runs === 1 ? "" : "s"}. _detectable_: changes smaller than this cannot be told from noise.`;
  return `_detectable_: changes smaller than this cannot be told from noise (run-to-run noise measured on ${runs} default-branch runs).`;
}
