import type { FC } from "hono/jsx";
import type { Verdict } from "@mlxbench/proto";
import { describeChange } from "@mlxbench/verdict";
import type { MetricTrend, Trends } from "./load-trends.js";
import { Layout, Notice } from "./layout.js";
import { formatNumber, formatTime, shortSha } from "./format.js";

export interface TrendsPageProps {
  repository: string;
  trends: Trends;
  /** Hosted chart URL by metric key, when a QuickChart server is configured. */
  hostedCharts: Record<string, string>;
  /** Cache-busting token of the chart URLs: the newest run id, so a new run changes the URL. */
  version: string;
  /** A run (a PR's) whose point each chart shows after the history (`?run=`). */
  run?: string;
  /** Metrics shown unfolded though not gated: those the `?run=` run's verdict saw change. */
  opened?: string[];
  login?: string;
}

const CHANGED = new Set(["regressed", "improved", "unconfirmed_worse", "unconfirmed_better"]);

/** Keys a verdict saw change or break, as the comment's visible rows: the trends unfold them. */
export function changedKeys(verdict: Verdict | null): string[] {
  return (verdict?.metrics ?? [])
    .filter(
      (m) => CHANGED.has(describeChange(m).label) || ["missing", "invalid"].includes(m.outcome),
    )
    .map((m) => m.key);
}

export function trendChartPath(
  repository: string,
  key: string,
  version: string,
  run?: string,
): string {
  const withRun = run === undefined ? "" : `&run=${encodeURIComponent(run)}`;
  return `/reports/${repository}/trends/${encodeURIComponent(key)}.png?v=${encodeURIComponent(version)}${withRun}`;
}

/** One metric's chart, its change points and its points as a table. */
const TrendBody: FC<TrendsPageProps & { trend: MetricTrend }> = (p) => {
  const base = `/reports/${p.repository}`;
  const m = p.trend;
  const cps = m.points.filter((pt) => pt.changePoint);
  const hosted = p.hostedCharts[m.key];
  return (
    <>
      <img
        class="chart"
        src={trendChartPath(p.repository, m.key, p.version, p.run)}
        alt={`Line chart of ${m.label} in ${m.unit} over ${m.points.length} runs; ${
          cps.length === 0
            ? "no change points"
            : `change points at ${cps.map((c) => shortSha(c.commit)).join(", ")}`
        }`}
        loading="lazy"
        decoding="async"
        width={960}
        height={540}
      />
      <p class="muted">
        {cps.length === 0
          ? "No change point: one level throughout."
          : `${cps.length} change point${cps.length === 1 ? "" : "s"}: ${cps.map((c) => `${shortSha(c.commit)} (${formatNumber(c.value)} ${m.unit})`).join(", ")}.`}
        {hosted ? (
          <>
            {" "}
            <a href={hosted} rel="noopener">
              hosted chart
            </a>
          </>
        ) : null}
      </p>
      <details>
        <summary>{m.points.length} points</summary>
        <div class="scroll">
          <table>
            <caption class="muted">
              {m.label} ({m.unit}) per run, oldest first
            </caption>
            <thead>
              <tr>
                <th>Finished</th>
                <th>Commit</th>
                <th class="n">Median</th>
                <th>Change point</th>
              </tr>
            </thead>
            <tbody>
              {m.points.map((pt) => (
                <tr class={pt.changePoint ? "cp" : ""}>
                  <td>
                    <a href={`${base}/runs/${pt.runId}`}>{formatTime(pt.finishedAt)}</a>
                  </td>
                  <td class="mono">{shortSha(pt.commit)}</td>
                  <td class="n">
                    {formatNumber(pt.value)} {m.unit}
                  </td>
                  <td>{pt.changePoint ? <strong>new level starts here</strong> : ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </>
  );
};

export const TrendsPage: FC<TrendsPageProps> = (p) => {
  const t = p.trends;
  // Gated metrics open, first; the rest one line each until opened (a link to #m-key opens it).
  const gated = t.metrics.filter((m) => m.gated);
  const rest = t.metrics.filter((m) => !m.gated);
  return (
    <Layout
      title={`Trends of ${p.repository}`}
      repository={p.repository}
      active="trends"
      {...(p.login ? { login: p.login } : {})}
    >
      <h1>
        Trends on <span class="mono">{t.defaultBranch}</span>
      </h1>
      <p class="muted">
        Each metric's median per run over the last {t.runs} runs of the default branch, oldest to
        newest. Red marks a change point (e-divisive means): the first run of a new level. Gated
        metrics come first; the others are folded below.
      </p>
      {t.problems.map((problem) => (
        <Notice error>Left out: {problem}</Notice>
      ))}
      {t.metrics.length === 0 ? (
        <section class="card">
          <p class="muted">No default-branch runs with results yet.</p>
        </section>
      ) : null}
      <nav class="card" aria-label="metrics">
        {gated.map((m, i) => (
          <>
            {i > 0 ? " · " : ""}
            <a href={`#m-${m.key}`}>{m.label}</a>
          </>
        ))}
        {rest.length > 0 ? (
          <>
            {gated.length > 0 ? " · " : ""}
            <a href="#not-gated">{rest.length} not gated</a>
          </>
        ) : null}
      </nav>
      {gated.map((m) => (
        <section class="card" id={`m-${m.key}`} aria-label={m.label}>
          <h2>
            {m.label} <span class="muted mono">{m.key}</span>
          </h2>
          <TrendBody {...p} trend={m} />
        </section>
      ))}
      {rest.length > 0 ? (
        <section class="card" id="not-gated" aria-label="metrics not gated">
          <h2>
            {rest.length} metric{rest.length === 1 ? "" : "s"} not gated
          </h2>
          <p class="muted">
            Measured and kept, but no verdict rests on them: each opens to its chart. With a run
            (?run=), those its verdict saw change are open.
          </p>
          {rest.map((m) => (
            <details
              class="trend"
              id={`m-${m.key}`}
              aria-label={m.label}
              open={p.opened?.includes(m.key) ?? false}
            >
              <summary>
                {m.label} <span class="muted mono">{m.key}</span>
              </summary>
              <TrendBody {...p} trend={m} />
            </details>
          ))}
        </section>
      ) : null}
    </Layout>
  );
};
