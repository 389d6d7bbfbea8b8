import { formatSigned } from "./format-change.js";
import type { MetricVerdict } from "./metric-verdict.js";

/** The one word every reader (check, comment, run page, compare) shows for a metric. */
export const CHANGE_LABELS = [
  "regressed",
  "unconfirmed_worse",
  "not_decided",
  "invalid",
  "missing",
  "improved",
  "unconfirmed_better",
  "new",
  "unchanged",
] as const;
export type ChangeLabel = (typeof CHANGE_LABELS)[number];

/** The interval a label was read from: the A/B pairs' when they ran (they decided), else the screen's. */
export interface DecidingInterval {
  percent: number;
  lowerPercent: number;
  upperPercent: number;
  source: "pairs" | "screen";
  pairs: number | null;
}

export interface ChangeDescription {
  label: ChangeLabel;
  /** Icon and words, e.g. "🟠 unconfirmed: worse past ±5 %", "🟡 not decided (n=3 vs 30 needed)". */
  text: string;
  /** Whether the point estimate moved the worse or the better way, by the metric's direction. */
  way: "worse" | "better" | null;
  interval: DecidingInterval | null;
}

type Described = Pick<
  MetricVerdict,
  "outcome" | "direction" | "thresholdPct" | "change" | "confirmation" | "samples"
> &
  Partial<Pick<MetricVerdict, "moreSamplesNeeded" | "needsConfirmation">>;

/** The interval the decision used: the pairs' when a confirmation ran, else the screen's. */
export function decidingInterval(
  m: Pick<MetricVerdict, "change" | "confirmation">,
): DecidingInterval | null {
  const c = m.confirmation;
  if (c !== null)
    return {
      percent: c.percent,
      lowerPercent: c.lowerPercent,
      upperPercent: c.upperPercent,
      source: "pairs",
      pairs: c.pairs,
    };
  if (m.change === null) return null;
  const { percent, lowerPercent, upperPercent } = m.change;
  return { percent, lowerPercent, upperPercent, source: "screen", pairs: null };
}

/**
 * One label per metric that agrees with its interval and threshold: a decided regression or
 * improvement stands; otherwise "unchanged" only when the whole interval lies within ±threshold
 * (touching it counts as within), "unconfirmed" when it lies wholly past it, else "not decided".
 */
export function describeChange(m: Described): ChangeDescription {
  const interval = decidingInterval(m);
  const way = wayOf(m.direction, interval?.percent ?? Number.NaN);
  const t = formatThreshold(m.thresholdPct);
  const of = (label: ChangeLabel, text: string): ChangeDescription => ({
    label,
    text,
    way,
    interval,
  });
  switch (m.outcome) {
    case "regressed":
      return of("regressed", "🔴 regressed");
    case "improved":
      return of("improved", "🟢 improved");
    case "missing":
      return of("missing", "⚫ missing");
    case "new":
      return of("new", "🆕 new");
    case "invalid":
      return of("invalid", "⚫ invalid");
    case "insufficient_samples": {
      const n = Math.min(m.samples.current, m.samples.baseline);
      return of("not_decided", `🟡 not decided (n=${n} vs 2 needed)`);
    }
    case "unchanged":
    case "inconclusive":
      break;
  }
  if (interval === null || ![interval.lowerPercent, interval.upperPercent].every(Number.isFinite))
    return of("not_decided", `🟡 not decided (${needed(m)})`);
  const worse = toWorseSide(m.direction, interval);
  const limit = Math.abs(m.thresholdPct);
  if (worse.lower >= -limit && worse.upper <= limit) return of("unchanged", "⚪ unchanged");
  if (worse.lower > limit) return of("unconfirmed_worse", `🟠 unconfirmed: worse past ±${t} %`);
  if (worse.upper < -limit) return of("unconfirmed_better", `🟠 unconfirmed: better past ±${t} %`);
  return of("not_decided", `🟡 not decided (${needed(m)})`);
}

/** "+30.2 % ↑ worse": the change with an arrow for the value's way and a word for what it means. */
export function formatChangeWithWay(m: Described): string {
  const interval = decidingInterval(m);
  if (interval === null || !Number.isFinite(interval.percent)) return "—";
  const way = wayOf(m.direction, interval.percent);
  const arrow = interval.percent > 0 ? "↑" : "↓";
  return `${formatSigned(interval.percent)} %${way === null ? "" : ` ${arrow} ${way}`}`;
}

/** "[+23.0, +37.1]", with "pairs" when the A/B pairs' interval decided. */
export function formatInterval(m: Pick<MetricVerdict, "change" | "confirmation">): string {
  const i = decidingInterval(m);
  if (i === null) return "—";
  const range = `[${formatSigned(i.lowerPercent)}, ${formatSigned(i.upperPercent)}]`;
  return i.source === "pairs" ? `${range} (${i.pairs} A/B pairs)` : range;
}

export function formatThreshold(pct: number): string {
  const a = Math.abs(pct);
  return Number.isInteger(a) ? a.toFixed(0) : a.toFixed(1);
}

function needed(m: Described): string {
  const n = Math.min(m.samples.current, m.samples.baseline);
  if (m.confirmation !== null) return `${m.confirmation.pairs} A/B pairs; more pairs would decide`;
  if (m.moreSamplesNeeded !== undefined && m.moreSamplesNeeded !== null)
    return `n=${n} vs ${Math.ceil(m.moreSamplesNeeded)} needed`;
  if (m.needsConfirmation === true) return "A/B pairs needed";
  return `n=${n}; more runs, not samples, would decide`;
}

/** The interval turned so that positive means worse, whatever the metric's direction. */
function toWorseSide(
  direction: MetricVerdict["direction"],
  i: DecidingInterval,
): { lower: number; upper: number } {
  return direction === "lower_is_better"
    ? { lower: i.lowerPercent, upper: i.upperPercent }
    : { lower: -i.upperPercent, upper: -i.lowerPercent };
}

function wayOf(direction: MetricVerdict["direction"], percent: number): "worse" | "better" | null {
  if (!Number.isFinite(percent) || Math.abs(percent) < 0.05) return null;
  const up = percent > 0;
  return up === (direction === "lower_is_better") ? "worse" : "better";
}
