import type { MetricRow } from "./compare-runs.js";

/** What a reader must see first: what got worse, then what is undecided, then the rest. */
const RANK: Record<string, number> = {
  regressed: 0,
  invalid: 1,
  missing: 2,
  inconclusive: 3,
  improved: 4,
  unchanged: 5,
  new: 6,
  insufficient_samples: 7,
};
const UNJUDGED = 8;

/**
 * The run page's metrics in the comment's order: by outcome (regressed first), gated before not
 * gated within an outcome, then the largest change first; ties keep the suite's order.
 */
export function sortMetricRows(rows: readonly MetricRow[]): MetricRow[] {
  const size = (r: MetricRow): number => (r.change ? Math.abs(r.change.percent) : -1);
  return rows
    .map((row, index) => ({ row, index }))
    .sort(
      (a, b) =>
        (RANK[a.row.outcome ?? ""] ?? UNJUDGED) - (RANK[b.row.outcome ?? ""] ?? UNJUDGED) ||
        Number(b.row.gated) - Number(a.row.gated) ||
        size(b.row) - size(a.row) ||
        a.index - b.index,
    )
    .map((x) => x.row);
}
