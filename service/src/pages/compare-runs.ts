import type { Direction, MetricResult, RunResult, Verdict } from "@mlxbench/proto";
import { describeChange } from "@mlxbench/verdict";
import { computeMedian } from "@mlxbench/verdict/stats";

/** A run's level of a metric: the median of its finite samples, else its p50. */
export function levelOf(metric: MetricResult | undefined): number | null {
  if (!metric) return null;
  const finite = metric.samples.filter((v) => Number.isFinite(v));
  if (finite.length > 0) return computeMedian(finite);
  return metric.stats?.p50 ?? null;
}

/** Changes smaller than this are shown as unchanged: a side-by-side view has no noise model to do better. */
export const SAME_WITHIN_PCT = 1;

export interface CompareRow {
  key: string;
  label: string;
  unit: string;
  direction: Direction;
  a: number | null;
  b: number | null;
  /** (b / a − 1) · 100. */
  changePct: number | null;
  /** Whether B is better than A; null when within SAME_WITHIN_PCT or not comparable. */
  better: boolean | null;
  /**
   * For B, in the verdict's words when B was judged against A ("🔴 regressed", "🟡 not decided
   * (n=3 vs 30 needed)"); else only which way the medians moved, which is no verdict.
   */
  words: { text: string; label: string; judged: boolean };
  /** The threshold B's verdict judged this metric by, percent; absent when B was not judged against A. */
  thresholdPct?: number;
}

/** What a plain side-by-side view may say without a noise model: the way the medians moved. */
export function describeUnjudged(better: boolean | null, changePct: number | null): string {
  if (changePct === null) return "not comparable";
  if (better === null) return `within ±${SAME_WITHIN_PCT} %`;
  return better ? "better, not judged" : "worse, not judged";
}

/**
 * Two runs' medians side by side: a plain comparison, not a verdict (no noise model), unless
 * `judged` is B's verdict against A: then each row says what that verdict said, in its words.
 */
export function compareRuns(
  a: RunResult | null,
  b: RunResult | null,
  judged: Verdict | null = null,
): CompareRow[] {
  const keys = [...new Set([...(a?.metrics ?? []), ...(b?.metrics ?? [])].map((m) => m.key))];
  return keys.map((key) => {
    const ma = a?.metrics.find((m) => m.key === key);
    const mb = b?.metrics.find((m) => m.key === key);
    const any = (mb ?? ma) as MetricResult;
    const va = levelOf(ma);
    const vb = levelOf(mb);
    const changePct = va !== null && vb !== null && va !== 0 ? (vb / va - 1) * 100 : null;
    const better =
      changePct === null || Math.abs(changePct) < SAME_WITHIN_PCT
        ? null
        : any.direction === "lower_is_better"
          ? changePct < 0
          : changePct > 0;
    const verdict = judged?.metrics.find((m) => m.key === key);
    const described = verdict ? describeChange(verdict) : null;
    return {
      key,
      label: any.label,
      unit: any.unit,
      direction: any.direction,
      a: va,
      b: vb,
      changePct,
      better,
      words: described
        ? { text: described.text, label: described.label, judged: true }
        : {
            text: describeUnjudged(better, changePct),
            label: better === null ? "same" : better ? "better" : "worse",
            judged: false,
          },
      ...(verdict ? { thresholdPct: verdict.thresholdPct } : {}),
    };
  });
}

export interface MetricRow {
  key: string;
  label: string;
  unit: string;
  direction: Direction;
  gated: boolean;
  baseline: number | null;
  current: number | null;
  change: { percent: number; lowerPercent: number; upperPercent: number } | null;
  outcome: string | null;
  /**
   * The verdict's words for this metric, as the check and the PR comment say them ("🔴 regressed",
   * "🟡 not decided (n=3 vs 30 needed)", "🟠 unconfirmed: worse past ±5 %"); null when not judged.
   */
  words: { text: string; label: string } | null;
  reason: string | null;
  thresholdPct: number | null;
  /** The screen's minimum detectable effect, percent; null when not compared. */
  mdePct: number | null;
  /** The run-to-run noise behind mdePct was assumed (too little history), not measured. */
  mdeAssumed: boolean;
  /** Tier 2's change for this metric, when A/B pairs confirmed it. */
  confirmation: {
    pairs: number;
    percent: number;
    lowerPercent: number;
    upperPercent: number;
  } | null;
}

/** The run page's metric table: this run, its baseline and the verdict of each metric. */
export function buildMetricRows(
  run: RunResult | null,
  baseline: RunResult | null,
  verdict: Verdict | null,
): MetricRow[] {
  const keys = [
    ...new Set([
      ...(run?.metrics ?? []).map((m) => m.key),
      ...(verdict?.metrics ?? []).map((m) => m.key),
    ]),
  ];
  return keys.map((key) => {
    const cur = run?.metrics.find((m) => m.key === key);
    const base = baseline?.metrics.find((m) => m.key === key);
    const v = verdict?.metrics.find((m) => m.key === key);
    const described = v ? describeChange(v) : null;
    return {
      key,
      label: cur?.label ?? base?.label ?? key,
      unit: cur?.unit ?? v?.unit ?? base?.unit ?? "",
      direction: cur?.direction ?? v?.direction ?? base?.direction ?? "lower_is_better",
      gated: v?.gated ?? cur?.gated ?? false,
      baseline: levelOf(base),
      current: levelOf(cur),
      change: v?.change ?? null,
      outcome: v?.outcome ?? null,
      words: described ? { text: described.text, label: described.label } : null,
      reason: v?.reason ?? null,
      thresholdPct: v?.thresholdPct ?? null,
      mdePct:
        v?.mdePct !== undefined && v.mdePct !== null && Number.isFinite(v.mdePct) ? v.mdePct : null,
      mdeAssumed: v?.evidence?.runNoiseAssumed ?? false,
      confirmation: v?.confirmation ?? null,
    };
  });
}
