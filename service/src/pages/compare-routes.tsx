import { Hono, type Context } from "hono";
import { listRuns } from "@mlxbench/archive";
import { isSegment } from "./archive-view.js";
import { compareChartConfig, compareChartHeight } from "./chart-configs.js";
import { ComparePage, type ComparedRun } from "./compare-page.js";
import { compareRuns } from "./compare-runs.js";
import { pageHeaders } from "./page-headers.js";
import type { PagesRuntime } from "./pages-deps.js";
import { isPrivate, loginOf, type PagesEnv } from "./pages-env.js";
import { readVisibleRun } from "./read-visible-run.js";
import { requireRepoAccess } from "./require-repo-access.js";
import { sendNotFound, sendPage } from "./respond.js";
import { renderChartPng, sendPng } from "./send-png.js";

/** GET /reports/:owner/:repo/compare?a=…&b=… (two runs side by side) and its chart PNG. */
export function createCompareRoutes(rt: PagesRuntime): Hono<PagesEnv> {
  const { store } = rt;
  const app = new Hono<PagesEnv>();
  const headers = pageHeaders();
  const access = requireRepoAccess(rt);

  async function comparedPair(
    c: Context<PagesEnv>,
  ): Promise<{ a: ComparedRun | null; b: ComparedRun | null; errors: string[] }> {
    const errors: string[] = [];
    const pick = async (name: "a" | "b"): Promise<ComparedRun | null> => {
      const id = c.req.query(name)?.trim();
      if (!id) return null;
      const run = isSegment(id) ? await readVisibleRun(store, c.var.access, id) : null;
      if (!run)
        errors.push(
          `run ${name.toUpperCase()} (${JSON.stringify(id)}) is not in this repository's archive`,
        );
      return run;
    };
    const [a, b] = await Promise.all([pick("a"), pick("b")]);
    return { a, b, errors };
  }

  app.get("/reports/:owner/:repo/compare", headers, access, async (c) => {
    const repo = c.var.access;
    const [{ a, b, errors }, choices] = await Promise.all([
      comparedPair(c),
      listRuns(store, repo.repository, { limit: 60 }),
    ]);
    const rows =
      a && b
        ? compareRuns(
            a.result.state === "ok" ? a.result.value : null,
            b.result.state === "ok" ? b.result.value : null,
            // B's verdict speaks for the pair only when it judged B against A.
            b.verdict?.baseline?.runId === a.runId ? b.verdict : null,
          )
        : [];
    return sendPage(
      c,
      <ComparePage
        repository={repo.repository}
        choices={choices.filter((r) => !r.private || repo.canSeePrivate)}
        a={a}
        b={b}
        rows={rows}
        errors={errors}
        {...loginOf(repo)}
      />,
      200,
      isPrivate(repo),
    );
  });

  app.get("/reports/:owner/:repo/compare.png", headers, access, async (c) => {
    const repo = c.var.access;
    const { a, b } = await comparedPair(c);
    if (!a || !b || a.result.state !== "ok" || b.result.state !== "ok")
      return sendNotFound(c, rt, repo.viewer);
    const rows = compareRuns(a.result.value, b.result.value);
    if (!rows.some((r) => r.changePct !== null)) return sendNotFound(c, rt, repo.viewer);
    return sendPng(
      c,
      rt,
      `compare|${repo.repository}|${a.runId}|${b.runId}|${repo.canSeePrivate}`,
      () =>
        renderChartPng(compareChartConfig(rows, a.runId, b.runId), {
          width: 960,
          height: compareChartHeight(rows),
        }),
      repo,
    );
  });

  return app;
}
