import type { FC } from "hono/jsx";
import type { RunResult, Verdict } from "@mlxbench/proto";
import type { RunMeta } from "@mlxbench/archive";
import type { Doc } from "./archive-view.js";
import { SAME_WITHIN_PCT, type CompareRow } from "./compare-runs.js";
import { Badge, Layout, Notice } from "./layout.js";
import { compareChartHeight } from "./chart-configs.js";
import { formatDuration, formatNumber, formatPercent, formatTime, shortSha } from "./format.js";

export interface ComparedRun {
  runId: string;
  meta: RunMeta | null;
  result: Doc<RunResult>;
  /** The run's own verdict; it speaks for the rows only when its baseline is the other run. */
  verdict: Verdict | null;
}

export interface ComparePageProps {
  repository: string;
  /** Recent runs to choose from. */
  choices: RunMeta[];
  a: ComparedRun | null;
  b: ComparedRun | null;
  rows: CompareRow[];
  errors: string[];
  login?: string;
}

const RunColumn: FC<{ base: string; label: string; run: ComparedRun }> = ({ base, label, run }) => {
  const m = run.meta;
  const r = run.result.state === "ok" ? run.result.value : null;
  return (
    <section class="card" aria-label={`run ${label}`}>
      <h2>
        {label}:{" "}
        <a href={`${base}/runs/${run.runId}`} class="mono">
          {run.runId}
        </a>{" "}
        <Badge value={m?.conclusion} />
      </h2>
      {run.result.state === "corrupt" ? (
        <Notice error>run_result.json could not be read: {run.result.problem}</Notice>
      ) : null}
      <dl class="facts">
        {m ? (
          <>
            <dt>Commit</dt>
            <dd class="mono">{shortSha(m.commit)}</dd>
            <dt>Branch</dt>
            <dd>
              {m.branch}
              {m.pullRequest !== undefined ? ` · PR #${m.pullRequest}` : ""}
            </dd>
            <dt>Finished</dt>
            <dd>
              {formatTime(m.finishedAt)} ({formatDuration(m.durationMs)})
            </dd>
            <dt>Reason</dt>
            <dd>{m.reason}</dd>
          </>
        ) : null}
        {r ? (
          <>
            <dt>Hardware</dt>
            <dd>{r.fingerprint.hardware}</dd>
            <dt>Cluster</dt>
            <dd>
              {r.fingerprint.clusterMode}, {r.fingerprint.deviceCount} devices
            </dd>
            <dt>Model</dt>
            <dd class="mono">{r.fingerprint.model}</dd>
            <dt>Options</dt>
            <dd class="mono">{r.fingerprint.suiteOptionsHash}</dd>
            <dt>Validation</dt>
            <dd>
              <Badge value={r.validation?.status ?? null} />
              {r.validation && r.validation.criticalFailures.length > 0
                ? ` critical: ${r.validation.criticalFailures.join(", ")}`
                : ""}
            </dd>
            <dt>Readiness</dt>
            <dd>
              <Badge value={r.readiness.verdict} />
            </dd>
          </>
        ) : null}
      </dl>
    </section>
  );
};

const RunSelect: FC<{
  name: string;
  label: string;
  choices: RunMeta[];
  selected: string | undefined;
}> = (p) => {
  const known = p.choices.some((c) => c.runId === p.selected);
  return (
    <label>
      {p.label}
      <select name={p.name} required>
        <option value="">choose a run</option>
        {p.selected !== undefined && !known ? (
          <option value={p.selected} selected>
            {p.selected}
          </option>
        ) : null}
        {p.choices.map((c) => (
          <option value={c.runId} selected={c.runId === p.selected}>
            {`${formatTime(c.finishedAt)} · ${c.branch}${c.pullRequest !== undefined ? ` #${c.pullRequest}` : ""} · ${shortSha(c.commit)} · ${c.conclusion}`}
          </option>
        ))}
      </select>
    </label>
  );
};

export function compareChartPath(repository: string, a: string, b: string): string {
  return `/reports/${repository}/compare.png?a=${encodeURIComponent(a)}&b=${encodeURIComponent(b)}`;
}

export const ComparePage: FC<ComparePageProps> = (p) => {
  const base = `/reports/${p.repository}`;
  const both = p.a !== null && p.b !== null;
  return (
    <Layout
      title={`Compare runs of ${p.repository}`}
      repository={p.repository}
      active="compare"
      {...(p.login ? { login: p.login } : {})}
    >
      <h1>Compare two runs</h1>
      <section class="card" aria-label="choose runs">
        <form class="filters" method="get" action={`${base}/compare`}>
          <RunSelect name="a" label="Run A (before)" choices={p.choices} selected={p.a?.runId} />
          <RunSelect name="b" label="Run B (after)" choices={p.choices} selected={p.b?.runId} />
          <button type="submit">Compare</button>
        </form>
        {p.errors.map((e) => (
          <p class="notice err">{e}</p>
        ))}
      </section>
      {p.a && p.b ? (
        <>
          <div class="grid2">
            <RunColumn base={base} label="A" run={p.a} />
            <RunColumn base={base} label="B" run={p.b} />
          </div>
          <section class="card" aria-label="metrics">
            <h2>Metrics</h2>
            {p.rows.length === 0 ? (
              <p class="muted">Neither run has metrics to compare.</p>
            ) : (
              <>
                <div class="scroll">
                  <table id="compare">
                    <thead>
                      <tr>
                        <th>Metric</th>
                        <th class="n">A</th>
                        <th class="n">B</th>
                        <th class="n">B vs A</th>
                        <th>For B</th>
                      </tr>
                    </thead>
                    <tbody>
                      {p.rows.map((r) => (
                        <tr data-metric={r.key}>
                          <td>
                            {r.label}
                            <div class="muted mono">{r.key}</div>
                          </td>
                          <td class="n">
                            {formatNumber(r.a)} {r.a !== null ? r.unit : ""}
                          </td>
                          <td class="n">
                            {formatNumber(r.b)} {r.b !== null ? r.unit : ""}
                          </td>
                          <td class="n">{formatPercent(r.changePct)}</td>
                          <td>
                            <span
                              class={`badge b-${r.words.label}${r.words.judged ? "" : " muted"}`}
                            >
                              {r.words.text}
                            </span>
                            {r.thresholdPct !== undefined ? (
                              <span class="muted"> threshold ±{r.thresholdPct} %</span>
                            ) : null}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
                <p class="muted">
                  Medians of each run's samples.{" "}
                  {p.rows.some((r) => r.words.judged)
                    ? "B was judged against A: each row says what B's verdict said, in the words of the check and the PR comment."
                    : `B was not judged against A, so this view only says which way each median moved (within ±${SAME_WITHIN_PCT} % counts as the same); the verdict on a run's page also weighs the default branch's noise.`}
                </p>
                <img
                  class="chart"
                  src={compareChartPath(p.repository, p.a.runId, p.b.runId)}
                  alt={`Bar chart of each metric's median change from run ${p.a.runId} to run ${p.b.runId}`}
                  loading="lazy"
                  decoding="async"
                  width={960}
                  height={compareChartHeight(p.rows)}
                />
              </>
            )}
          </section>
        </>
      ) : both ? null : (
        <p class="muted">Choose two runs to see them side by side.</p>
      )}
    </Layout>
  );
};
