import { Hono } from "hono";
import type { RunResult } from "@mlxbench/proto";
import { listRuns, RunConclusion } from "@mlxbench/archive";
import { isSegment, loadRunDocs, metaOf } from "./archive-view.js";
import {
  baselineVsRunChartConfig,
  baselineVsRunInputOf,
  chartedChanges,
} from "@mlxbench/suite/report/chart-configs";
import { buildMetricRows } from "./compare-runs.js";
import { pageHeaders } from "./page-headers.js";
import type { PagesRuntime } from "./pages-deps.js";
import { isPrivate, loginOf, type PagesEnv } from "./pages-env.js";
import { readVisibleRun } from "./read-visible-run.js";
import { renderMarkdown } from "./render-markdown.js";
import { dropMetricTables } from "./summary-without-metrics.js";
import { requireRepoAccess } from "./require-repo-access.js";
import { sendNotFound, sendPage } from "./respond.js";
import { RunPage } from "./run-page.js";
import { RunsPage, type RunFilters } from "./runs-page.js";
import { renderChartPng, sendPng } from "./send-png.js";

/** GET /reports/:owner/:repo (the runs, filtered) and /reports/:owner/:repo/runs/:runId. */
export function createRunsRoutes(rt: PagesRuntime): Hono<PagesEnv> {
  const { store } = rt;
  const app = new Hono<PagesEnv>();
  const headers = pageHeaders();
  const access = requireRepoAccess(rt);

  app.get("/reports/:owner/:repo", headers, access, async (c) => {
    const a = c.var.access;
    const filters: RunFilters = {};
    const errors: string[] = [];
    const branch = c.req.query("branch")?.trim();
    if (branch) filters.branch = branch;
    const pr = c.req.query("pr")?.trim();
    if (pr) {
      if (/^[1-9]\d{0,9}$/.test(pr)) filters.pr = Number(pr);
      else
        errors.push(
          `pull request ${JSON.stringify(pr)} is not a number; showing all pull requests`,
        );
    }
    const verdict = c.req.query("verdict")?.trim();
    if (verdict) {
      const parsed = RunConclusion.safeParse(verdict);
      if (parsed.success) filters.verdict = parsed.data;
      else
        errors.push(
          `verdict ${JSON.stringify(verdict)} is not one of ${RunConclusion.options.join(", ")}; showing every verdict`,
        );
    }
    const limitRaw = Number(c.req.query("limit") ?? "50");
    const limit = Number.isInteger(limitRaw) && limitRaw > 0 ? Math.min(500, limitRaw) : 50;
    const found = await listRuns(store, a.repository, {
      limit: limit + 1,
      ...(filters.branch !== undefined ? { branch: filters.branch } : {}),
      ...(filters.pr !== undefined ? { pullRequest: filters.pr } : {}),
      ...(filters.verdict !== undefined ? { conclusion: filters.verdict } : {}),
    });
    const visible = found.filter((r) => !r.private || a.canSeePrivate);
    return sendPage(
      c,
      <RunsPage
        repository={a.repository}
        defaultBranch={a.state.defaultBranch}
        runs={visible.slice(0, limit)}
        filters={filters}
        filterErrors={errors}
        limit={limit}
        hasMore={found.length > limit}
        {...loginOf(a)}
      />,
      200,
      isPrivate(a),
    );
  });

  app.get("/reports/:owner/:repo/runs/:runId", headers, access, async (c) => {
    const a = c.var.access;
    const runId = c.req.param("runId");
    if (!isSegment(runId)) return sendNotFound(c, rt, a.viewer);
    const docs = await loadRunDocs(store, a.repository, runId);
    if (!docs) return sendNotFound(c, rt, a.viewer);
    const meta = metaOf(docs);
    // Unknown privacy (no readable meta anywhere) counts as private.
    if ((meta?.private ?? true) && !a.canSeePrivate) return sendNotFound(c, rt, a.viewer);
    const verdict = docs.verdict.state === "ok" ? docs.verdict.value : null;
    let baseline: RunResult | null = null;
    let baselineProblem: string | null = null;
    if (verdict?.baseline && isSegment(verdict.baseline.runId)) {
      const b = await readVisibleRun(store, a, verdict.baseline.runId);
      if (b === null)
        baselineProblem = `baseline run ${verdict.baseline.runId} is not in the archive`;
      else if (b.result.state === "ok") baseline = b.result.value;
      else
        baselineProblem =
          b.result.state === "corrupt"
            ? `its run_result.json is ${b.result.problem}`
            : "it has no run_result.json";
    }
    const runResult = docs.runResult.state === "ok" ? docs.runResult.value : null;
    return sendPage(
      c,
      <RunPage
        repository={a.repository}
        runId={runId}
        meta={meta}
        metaProblem={docs.meta.state === "corrupt" ? docs.meta.problem : null}
        runResult={docs.runResult}
        verdict={docs.verdict}
        summaryHtml={
          docs.summary.state === "ok" ? renderMarkdown(dropMetricTables(docs.summary.value)) : null
        }
        baselineProblem={baselineProblem}
        rows={buildMetricRows(runResult, baseline, verdict)}
        files={docs.keys}
        {...loginOf(a)}
      />,
      200,
      isPrivate(a) || meta?.private === true,
    );
  });

  // One changed metric, baseline vs this run, drawn from the archived verdict and both runs' samples.
  app.get(
    "/reports/:owner/:repo/runs/:runId/changes/:chart{.+\\.png}",
    headers,
    access,
    async (c) => {
      const a = c.var.access;
      const runId = c.req.param("runId");
      const key = c.req.param("chart").slice(0, -".png".length);
      if (!isSegment(runId)) return sendNotFound(c, rt, a.viewer);
      const run = await readVisibleRun(store, a, runId);
      const verdict = run?.verdict ?? null;
      const metric = verdict
        ? chartedChanges(verdict.metrics).find((m) => m.key === key)
        : undefined;
      if (!run || !verdict?.baseline || !metric || !isSegment(verdict.baseline.runId))
        return sendNotFound(c, rt, a.viewer);
      const baseline = await readVisibleRun(store, a, verdict.baseline.runId);
      const input = baselineVsRunInputOf(
        metric,
        run.result.state === "ok" ? run.result.value : null,
        baseline?.result.state === "ok" ? baseline.result.value : null,
      );
      if (!input) return sendNotFound(c, rt, a.viewer);
      return sendPng(
        c,
        rt,
        `change|${a.repository}|${runId}|${a.canSeePrivate}|${key}`,
        () => renderChartPng(baselineVsRunChartConfig(input), { width: 760, height: 460 }),
        a,
      );
    },
  );

  return app;
}
