import { Hono, type Context } from "hono";
import * as quickchart from "quickchart-js";
import { trendChartConfig } from "./chart-configs.js";
import { loadTrends, type Trends } from "./load-trends.js";
import { pageHeaders } from "./page-headers.js";
import type { PagesRuntime } from "./pages-deps.js";
import { isPrivate, loginOf, type PagesEnv, type RepoAccess } from "./pages-env.js";
import { readVisibleRun } from "./read-visible-run.js";
import { requireRepoAccess } from "./require-repo-access.js";
import { sendNotFound, sendPage } from "./respond.js";
import { renderChartPng, sendPng } from "./send-png.js";
import { changedKeys, TrendsPage } from "./trends-page.js";
import { readRunPoint } from "./read-run-point.js";

// quickchart-js ships CommonJS types next to an ES module: take the class from the namespace.
// Under NodeNext its types say `default.default`; at run time the ES module's default is the class.
type QuickChartClass = typeof quickchart.default.default;
const quickchartDefault = quickchart.default as unknown as
  QuickChartClass | { default: QuickChartClass };
const QuickChart: QuickChartClass =
  "default" in quickchartDefault ? quickchartDefault.default : quickchartDefault;
// Its config type is a chart of any type; whether a line chart's config is assignable to it
// depends on the order tsc checks files in, so the config is handed over as that type.
type QuickChartConfig = Parameters<InstanceType<QuickChartClass>["setConfig"]>[0];
const asQuickChartConfig = (config: object): QuickChartConfig => config as QuickChartConfig;

const trendLimit = (c: Context): number => {
  const n = Number(c.req.query("limit") ?? "60");
  return Number.isInteger(n) && n >= 6 ? Math.min(n, 300) : 60;
};

/** GET /reports/:owner/:repo/trends (the default branch's trends) and its chart PNGs. */
export function createTrendsRoutes(rt: PagesRuntime): Hono<PagesEnv> {
  const { store, trendsCache } = rt;
  const app = new Hono<PagesEnv>();
  const headers = pageHeaders();
  const access = requireRepoAccess(rt);

  function trendsFor(a: RepoAccess, limit: number): Promise<Trends> {
    const key = `${a.repository}|${a.state.newestRunId}|${a.canSeePrivate}|${limit}`;
    const cached = trendsCache.get(key);
    if (cached) return cached;
    const loading = loadTrends(store, a.repository, {
      defaultBranch: a.state.defaultBranch,
      limit,
      includePrivateRuns: a.canSeePrivate,
    });
    // A failed load is forgotten, so the next request tries again.
    loading.catch(() => trendsCache.delete(key));
    return trendsCache.set(key, loading);
  }

  app.get("/reports/:owner/:repo/trends", headers, access, async (c) => {
    const a = c.var.access;
    const trends = await trendsFor(a, trendLimit(c));
    const run = c.req.query("run");
    const shown = run ? await readVisibleRun(store, a, run) : null;
    const opened = changedKeys(shown?.verdict ?? null);
    const hostedCharts: Record<string, string> = {};
    if (rt.quickChartUrl) {
      const host = new URL(rt.quickChartUrl);
      for (const m of trends.metrics) {
        hostedCharts[m.key] = new QuickChart()
          .setConfig(asQuickChartConfig(trendChartConfig(m, trends.defaultBranch, false)))
          .setScheme(host.protocol.replace(":", ""))
          .setHost(host.host)
          .setWidth(960)
          .setHeight(540)
          .setBackgroundColor("#ffffff")
          .getUrl();
      }
    }
    return sendPage(
      c,
      <TrendsPage
        repository={a.repository}
        trends={trends}
        hostedCharts={hostedCharts}
        version={a.state.newestRunId}
        {...(run ? { run } : {})}
        opened={opened}
        {...loginOf(a)}
      />,
      200,
      isPrivate(a),
    );
  });

  app.get("/reports/:owner/:repo/trends/:chart{.+\\.png}", headers, access, async (c) => {
    const a = c.var.access;
    const key = c.req.param("chart").slice(0, -".png".length);
    const limit = trendLimit(c);
    const trends = await trendsFor(a, limit);
    const trend = trends.metrics.find((m) => m.key === key);
    if (!trend) return sendNotFound(c, rt, a.viewer);
    const runId = c.req.query("run");
    const pr = runId === undefined ? undefined : await readRunPoint(store, a, runId, key);
    if (pr === null) return sendNotFound(c, rt, a.viewer);
    const cacheKey = `trend|${a.repository}|${a.state.newestRunId}|${a.canSeePrivate}|${limit}|${key}|${runId ?? ""}`;
    return sendPng(
      c,
      rt,
      cacheKey,
      () => renderChartPng(trendChartConfig(trend, trends.defaultBranch, true, pr)),
      a,
    );
  });

  return app;
}
