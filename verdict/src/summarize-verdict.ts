import {
  CHANGE_LABELS,
  describeChange,
  formatChangeWithWay,
  formatInterval,
  type ChangeDescription,
  type ChangeLabel,
} from "./describe-change.js";
import type { MetricVerdict, Verdict } from "./metric-verdict.js";

const COUNT_WORDS: Record<ChangeLabel, string> = {
  regressed: "🔴 {n} regressed",
  unconfirmed_worse: "🟠 {n} worse, unconfirmed",
  not_decided: "🟡 {n} not decided",
  invalid: "⚫ {n} invalid",
  missing: "⚫ {n} missing",
  improved: "🟢 {n} improved",
  unconfirmed_better: "🟠 {n} better, unconfirmed",
  new: "🆕 {n} new",
  unchanged: "⚪ {n} unchanged",
};

export interface DescribedMetric {
  metric: MetricVerdict;
  description: ChangeDescription;
}

export interface VerdictSummary {
  /** "🔴 1 regressed · 🟡 4 not decided · ⚪ 42 unchanged — inference.tpot_ms +30.2 % ↑ worse [+23.0, +37.1]". */
  line: string;
  counts: Partial<Record<ChangeLabel, number>>;
  /** The change a reader looks at first, or null when nothing moved past noise. */
  headline: string | null;
  /** Every metric with its label, most important first: gated before not gated, then by label. */
  ranked: DescribedMetric[];
}

/** The order a reader wants: what fails the check first, then what is open, then the rest. */
export function rankMetrics(metrics: readonly MetricVerdict[]): DescribedMetric[] {
  const rank = (d: DescribedMetric): number =>
    (d.metric.gated ? 0 : 100) + CHANGE_LABELS.indexOf(d.description.label);
  const size = (d: DescribedMetric): number => Math.abs(d.description.interval?.percent ?? 0);
  return metrics
    .map((metric) => ({ metric, description: describeChange(metric) }))
    .sort(
      (a, b) => rank(a) - rank(b) || size(b) - size(a) || a.metric.key.localeCompare(b.metric.key),
    );
}

/**
 * The verdict in one line, said once: counts per label and the headline change. Without metrics
 * (no baseline, invalid input) the verdict's own reason is the line.
 */
export function summarizeVerdict(verdict: Verdict): VerdictSummary {
  const ranked = rankMetrics(verdict.metrics);
  const counts: Partial<Record<ChangeLabel, number>> = {};
  for (const d of ranked) counts[d.description.label] = (counts[d.description.label] ?? 0) + 1;
  const top = ranked.find(
    (d) => HEADLINE_LABELS.has(d.description.label) && d.description.interval !== null,
  );
  const headline =
    top === undefined
      ? null
      : `${top.metric.key} ${formatChangeWithWay(top.metric)} ${formatInterval(top.metric)}`;
  if (ranked.length === 0) return { line: verdict.reason, counts, headline, ranked };
  const parts = CHANGE_LABELS.flatMap((label) => {
    const n = counts[label];
    return n === undefined ? [] : [COUNT_WORDS[label].replace("{n}", String(n))];
  });
  const line = `${parts.join(" · ")}${headline === null ? "" : ` — ${headline}`}`;
  return { line, counts, headline, ranked };
}

const HEADLINE_LABELS = new Set<ChangeLabel>([
  "regressed",
  "unconfirmed_worse",
  "improved",
  "unconfirmed_better",
  "not_decided",
]);
