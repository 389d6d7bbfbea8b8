import type { FC } from "hono/jsx";
import { chartedChanges } from "@mlxbench/suite/report/chart-configs";
import type { MetricRow } from "./compare-runs.js";

/** Where the run page serves the baseline-vs-run chart of one metric. */
export function changeChartHref(runBase: string, key: string): string {
  return `${runBase}/changes/${encodeURIComponent(key)}.png`;
}

/**
 * Baseline vs this run, one chart per changed metric (regressed, inconclusive, improved; gated
 * first): both runs' samples as dots and the verdict's interval of the change.
 */
export const ChangesSection: FC<{ runBase: string; rows: MetricRow[] }> = (p) => {
  const changed = chartedChanges(p.rows);
  if (changed.length === 0) return null;
  return (
    <section class="card" aria-label="changes">
      <h2>Baseline vs this run</h2>
      <p class="muted">
        Each dot is one sample; the red bar is the verdict's interval of the change, drawn from the
        baseline's median; dotted lines mark ± the threshold.
      </p>
      <div class="grid2">
        {changed.map((r) => (
          <figure class="chart" data-change={r.key}>
            <img
              class="chart"
              src={changeChartHref(p.runBase, r.key)}
              alt={`${r.label}: baseline vs this run, ${r.outcome}`}
              loading="lazy"
              decoding="async"
            />
            <figcaption class="muted mono">{r.key}</figcaption>
          </figure>
        ))}
      </div>
    </section>
  );
};
