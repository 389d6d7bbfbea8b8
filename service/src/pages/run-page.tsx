import type { FC } from "hono/jsx";
import { raw } from "hono/html";
import type { RunResult, Verdict } from "@mlxbench/proto";
import type { RunMeta } from "@mlxbench/archive";
import type { Doc } from "./archive-view.js";
import type { MetricRow } from "./compare-runs.js";
import { formatDuration, formatTime, shortSha } from "./format.js";
import { Badge, Layout } from "./layout.js";
import { Problem } from "./problem-notice.js";
import { ChangesSection } from "./run-page-changes.js";
import { MetricsSection } from "./run-page-metrics.js";
import { sortMetricRows } from "./sort-metric-rows.js";
import { ValidationSection } from "./run-page-validation.js";

export interface RunPageProps {
  repository: string;
  runId: string;
  meta: RunMeta | null;
  metaProblem: string | null;
  runResult: Doc<RunResult>;
  verdict: Doc<Verdict>;
  /** Sanitised HTML of summary.md, or null when there is none. */
  summaryHtml: string | null;
  baselineProblem: string | null;
  rows: MetricRow[];
  /** Keys relative to the run folder. */
  files: string[];
  login?: string;
}

const DOCUMENTS = new Set(["meta.json", "run_result.json", "verdict.json", "summary.md"]);

/** Where a key of the run folder is served, or null for keys the pages do not serve. */
export function fileHref(runBase: string, rel: string): string | null {
  if (rel.startsWith("files/"))
    return `${runBase}/${rel.split("/").map(encodeURIComponent).join("/")}`;
  return DOCUMENTS.has(rel) ? `${runBase}/${rel}` : null;
}

export const RunPage: FC<RunPageProps> = (p) => {
  const base = `/reports/${p.repository}`;
  const runBase = `${base}/runs/${p.runId}`;
  const m = p.meta;
  const result = p.runResult.state === "ok" ? p.runResult.value : null;
  const verdict = p.verdict.state === "ok" ? p.verdict.value : null;
  const conclusion = verdict?.conclusion ?? m?.conclusion ?? null;
  const charts = p.files.filter((f) => f.startsWith("files/") && f.toLowerCase().endsWith(".png"));
  const gh = `https://github.com/${p.repository}`;
  return (
    <Layout
      title={`Run ${p.runId}`}
      repository={p.repository}
      {...(p.login ? { login: p.login } : {})}
    >
      <h1>
        Run <span class="mono">{p.runId}</span> <Badge value={conclusion} />
      </h1>
      {p.metaProblem ? <Problem doc="meta.json" problem={p.metaProblem} /> : null}
      <div class="grid2">
        <section class="card" aria-label="run">
          <dl class="facts">
            {m ? (
              <>
                <dt>Commit</dt>
                <dd class="mono">
                  <a href={`${gh}/commit/${m.commit}`} title={m.commit}>
                    {shortSha(m.commit)}
                  </a>
                </dd>
                <dt>Branch</dt>
                <dd>
                  <a href={`${base}?branch=${encodeURIComponent(m.branch)}`}>{m.branch}</a>
                  {m.pullRequest !== undefined ? (
                    <>
                      {" · "}
                      <a href={`${gh}/pull/${m.pullRequest}`}>PR #{m.pullRequest}</a>
                    </>
                  ) : null}
                </dd>
                <dt>Trigger</dt>
                <dd>
                  {m.trigger} by {m.requestedBy}
                </dd>
                <dt>Finished</dt>
                <dd>
                  {formatTime(m.finishedAt)} ({formatDuration(m.durationMs)})
                </dd>
              </>
            ) : null}
            {result ? (
              <>
                <dt>Cluster</dt>
                <dd>
                  {result.fingerprint.clusterMode}, {result.fingerprint.deviceCount} devices ·{" "}
                  {result.fingerprint.hardware}
                </dd>
                <dt>Model</dt>
                <dd class="mono">{result.fingerprint.model}</dd>
              </>
            ) : null}
          </dl>
        </section>
        <section class="card" aria-label="verdict">
          <h2>
            Verdict <Badge value={conclusion} />
          </h2>
          {p.verdict.state === "corrupt" ? (
            <Problem doc="verdict.json" problem={p.verdict.problem} />
          ) : null}
          <p>{verdict?.reason ?? m?.reason ?? "No verdict was archived for this run."}</p>
          {verdict?.tiers?.confirmation ? (
            <dl class="facts" aria-label="tiers">
              <dt>Screen</dt>
              <dd>
                <Badge value={verdict.tiers.screen.conclusion} /> {verdict.tiers.screen.reason}
              </dd>
              <dt>Confirmation</dt>
              <dd>
                <Badge value={verdict.tiers.confirmation.conclusion} />{" "}
                {verdict.tiers.confirmation.pairs} A/B pairs of the merge-base and this commit,
                interleaved on the same cluster: {verdict.tiers.confirmation.reason}
              </dd>
            </dl>
          ) : null}
          {verdict?.baseline ? (
            <p>
              Baseline:{" "}
              <a href={`${base}/runs/${verdict.baseline.runId}`}>{verdict.baseline.runId}</a>
              {verdict.baseline.commit ? (
                <span class="mono"> ({shortSha(verdict.baseline.commit)})</span>
              ) : null}{" "}
              ·{" "}
              <a
                href={`${base}/compare?a=${encodeURIComponent(verdict.baseline.runId)}&b=${encodeURIComponent(p.runId)}`}
              >
                compare side by side
              </a>
            </p>
          ) : (
            <p class="muted">No baseline was compared.</p>
          )}
          <p>
            <a href={`${base}/trends?run=${encodeURIComponent(p.runId)}`}>this run on the trends</a>
          </p>
        </section>
      </div>

      <section class="card" aria-label="executive summary">
        {/* An archived summary brings its own title; a heading is added only when it does not. */}
        {p.summaryHtml?.startsWith("<h") ? null : <h2>Executive summary</h2>}
        {p.summaryHtml !== null ? (
          <div class="md">{raw(p.summaryHtml)}</div>
        ) : (
          <p class="muted">No summary was archived.</p>
        )}
      </section>

      <MetricsSection
        runResult={p.runResult}
        baselineProblem={p.baselineProblem}
        rows={sortMetricRows(p.rows)}
      />

      <ChangesSection runBase={runBase} rows={p.rows} />

      <section class="card" aria-label="charts">
        <h2>Charts</h2>
        {charts.length === 0 ? <p class="muted">This run archived no charts.</p> : null}
        <div class="grid2">
          {charts.map((f) => (
            <figure class="chart">
              <img
                class="chart"
                src={fileHref(runBase, f) ?? ""}
                alt={`chart ${f.slice("files/".length)}`}
                loading="lazy"
                decoding="async"
              />
              <figcaption class="muted mono">{f.slice("files/".length)}</figcaption>
            </figure>
          ))}
        </div>
      </section>

      <ValidationSection result={result} />

      <section class="card" aria-label="files">
        <h2>Raw artifacts</h2>
        <ul class="files">
          {p.files.map((f) => {
            const href = fileHref(runBase, f);
            return <li class="mono">{href ? <a href={href}>{f}</a> : f}</li>;
          })}
        </ul>
      </section>
    </Layout>
  );
};
