import type { FC } from "hono/jsx";
import type { RunResult } from "@mlxbench/proto";
import { formatMde } from "@mlxbench/verdict";
import type { Doc } from "./archive-view.js";
import type { MetricRow } from "./compare-runs.js";
import { formatNumber, formatPercent } from "./format.js";
import { Badge, Notice } from "./layout.js";
import { Problem } from "./problem-notice.js";

/** The run page's metrics table: each metric against the baseline, with the verdict's reasons. */
export const MetricsSection: FC<{
  runResult: Doc<RunResult>;
  baselineProblem: string | null;
  rows: MetricRow[];
}> = (p) => (
  <section class="card" aria-label="metrics">
    <h2>Metrics against the baseline</h2>
    {p.runResult.state === "corrupt" ? (
      <Problem doc="run_result.json" problem={p.runResult.problem} />
    ) : null}
    {p.baselineProblem ? <Notice>Baseline values unavailable: {p.baselineProblem}</Notice> : null}
    {p.rows.length === 0 ? (
      <p class="muted">No metrics.</p>
    ) : (
      <div class="scroll">
        <table id="metrics">
          <thead>
            <tr>
              <th>Metric</th>
              <th class="n">Baseline</th>
              <th class="n">This run</th>
              <th class="n">Change</th>
              <th class="n">95 % interval</th>
              <th
                class="n"
                title="changes smaller than this cannot be told from noise on this cluster"
              >
                Detectable
              </th>
              <th>Verdict</th>
              <th>Why</th>
            </tr>
          </thead>
          <tbody>
            {p.rows.map((r) => (
              <tr data-metric={r.key}>
                <td>
                  {r.label}
                  <div class="muted mono">
                    {r.key}
                    {r.gated ? "" : " · not gated"}
                  </div>
                </td>
                <td class="n">
                  {formatNumber(r.baseline)} {r.baseline !== null ? r.unit : ""}
                </td>
                <td class="n">
                  {formatNumber(r.current)} {r.current !== null ? r.unit : ""}
                </td>
                <td class="n">{r.change ? formatPercent(r.change.percent) : "n/a"}</td>
                <td class="n">
                  {r.change
                    ? `${formatPercent(r.change.lowerPercent)} … ${formatPercent(r.change.upperPercent)}`
                    : "n/a"}
                  {r.confirmation ? (
                    <div class="muted">
                      {r.confirmation.pairs} A/B pairs:
                      <br />
                      {formatPercent(r.confirmation.percent)} (
                      {formatPercent(r.confirmation.lowerPercent)} …{" "}
                      {formatPercent(r.confirmation.upperPercent)})
                    </div>
                  ) : null}
                </td>
                <td class="n">
                  {r.mdePct === null
                    ? "n/a"
                    : `±${formatMde(r.mdePct)} %${r.mdeAssumed ? "*" : ""}`}
                </td>
                <td>
                  {r.words ? (
                    <span class={`badge words b-${r.words.label}`} data-outcome={r.outcome ?? ""}>
                      {r.words.text}
                    </span>
                  ) : (
                    <Badge value={r.outcome} />
                  )}
                </td>
                <td class="wrap">
                  {r.reason ?? ""}
                  {r.thresholdPct !== null ? (
                    <span class="muted"> (threshold {r.thresholdPct} %)</span>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    )}
    <p class="muted">
      Values are medians of the run's samples; the interval is the verdict's bootstrap interval
      widened by run-to-run noise. Detectable: the smallest change the screen tells from this
      cluster's noise (* where that noise was assumed, with too few default-branch runs to measure
      it). "A/B pairs": the change measured by the paired confirmation.
    </p>
  </section>
);
