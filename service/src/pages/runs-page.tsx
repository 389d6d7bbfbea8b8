import type { FC } from "hono/jsx";
import type { RunMeta } from "@mlxbench/archive";
import { Badge, Layout } from "./layout.js";
import { formatDuration, formatTime, shortSha } from "./format.js";

export interface RunFilters {
  branch?: string;
  pr?: number;
  verdict?: RunMeta["conclusion"];
}

export interface RunsPageProps {
  repository: string;
  defaultBranch: string;
  runs: RunMeta[];
  filters: RunFilters;
  /** Problems with the filter query, shown instead of silently ignored. */
  filterErrors: string[];
  limit: number;
  hasMore: boolean;
  login?: string;
}

const VERDICTS = ["success", "failure", "neutral", "cancelled"] as const;

function filterQuery(filters: RunFilters, extra: Record<string, string> = {}): string {
  const q = new URLSearchParams();
  if (filters.branch !== undefined) q.set("branch", filters.branch);
  if (filters.pr !== undefined) q.set("pr", String(filters.pr));
  if (filters.verdict !== undefined) q.set("verdict", filters.verdict);
  for (const [k, v] of Object.entries(extra)) q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : "";
}

export const RunsPage: FC<RunsPageProps> = (p) => {
  const base = `/reports/${p.repository}`;
  const branches = [...new Set([p.defaultBranch, ...p.runs.map((r) => r.branch)])].sort();
  const filtered =
    p.filters.branch !== undefined || p.filters.pr !== undefined || p.filters.verdict !== undefined;
  return (
    <Layout
      title={`Runs of ${p.repository}`}
      repository={p.repository}
      active="runs"
      {...(p.login ? { login: p.login } : {})}
    >
      <h1>Benchmark runs of {p.repository}</h1>
      <section class="card" aria-label="filters">
        <form class="filters" method="get" action={base}>
          <label>
            Branch
            <input
              name="branch"
              list="branches"
              value={p.filters.branch ?? ""}
              placeholder="any"
              size={14}
            />
            <datalist id="branches">
              {branches.map((b) => (
                <option value={b} />
              ))}
            </datalist>
          </label>
          <label>
            Pull request
            <input
              name="pr"
              inputmode="numeric"
              pattern="[0-9]*"
              value={p.filters.pr !== undefined ? String(p.filters.pr) : ""}
              placeholder="any"
              size={6}
            />
          </label>
          <label>
            Verdict
            <select name="verdict">
              <option value="">any</option>
              {VERDICTS.map((v) => (
                <option value={v} selected={p.filters.verdict === v}>
                  {v}
                </option>
              ))}
            </select>
          </label>
          <button type="submit">Filter</button>
          {filtered ? <a href={base}>clear filters</a> : null}
        </form>
        {p.filterErrors.map((e) => (
          <p class="notice err">{e}</p>
        ))}
      </section>
      <section class="card">
        <h2>
          {p.runs.length} run{p.runs.length === 1 ? "" : "s"}
          {filtered ? " matching" : ""}, newest first
        </h2>
        {p.runs.length === 0 ? (
          <p class="muted">No runs match these filters.</p>
        ) : (
          <div class="scroll">
            <table id="runs">
              <thead>
                <tr>
                  <th>Finished</th>
                  <th>Verdict</th>
                  <th>Commit</th>
                  <th>Branch · PR</th>
                  <th>Trigger</th>
                  <th class="n">Duration</th>
                  <th>Reason</th>
                </tr>
              </thead>
              <tbody>
                {p.runs.map((r) => (
                  <tr data-run={r.runId}>
                    <td>
                      <a href={`${base}/runs/${r.runId}`}>{formatTime(r.finishedAt)}</a>
                    </td>
                    <td>
                      <Badge value={r.conclusion} />
                    </td>
                    <td class="mono">
                      <a href={`${base}/runs/${r.runId}`} title={r.commit}>
                        {shortSha(r.commit)}
                      </a>
                    </td>
                    <td>
                      <a href={`${base}${filterQuery({ branch: r.branch })}`}>{r.branch}</a>
                      {r.pullRequest !== undefined ? (
                        <>
                          {" · "}
                          <a href={`${base}${filterQuery({ pr: r.pullRequest })}`}>
                            #{r.pullRequest}
                          </a>
                        </>
                      ) : null}
                    </td>
                    <td>
                      {r.trigger}
                      <span class="muted"> by {r.requestedBy}</span>
                    </td>
                    <td class="n">{formatDuration(r.durationMs)}</td>
                    <td class="wrap">{r.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {p.hasMore ? (
          <p>
            <a
              href={`${base}${filterQuery(p.filters, { limit: String(Math.min(500, p.limit * 2)) })}`}
            >
              Show more runs
            </a>
          </p>
        ) : null}
      </section>
    </Layout>
  );
};
