import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { Hono, type Context } from "hono";
import { getCookie, setCookie, deleteCookie } from "hono/cookie";
import * as quickchart from "quickchart-js";
import { pino, type Logger } from "pino";
import type { JSX } from "hono/jsx/jsx-runtime";
import { RunResult } from "@mlxbench/proto";
import { listRuns, RunConclusion, RunMeta, runKeys, type ArchiveStore } from "@mlxbench/archive";
import {
  isSegment,
  loadRunDocs,
  metaOf,
  readJsonDoc,
  readRepoState,
  type RepoState,
} from "./archive-view.js";
import type { renderChartPng as RenderChartPng } from "@mlxbench/suite/report/charts";
import { compareChartConfig, compareChartHeight, trendChartConfig } from "./chart-configs.js";

/**
 * Loaded on the first chart request: the native canvas then never stands between the other
 * routes and a runtime that lacks it (a Lambda bundle built on another platform).
 */
const renderChartPng: typeof RenderChartPng = async (...args) =>
  (await import("@mlxbench/suite/report/charts")).renderChartPng(...args);
import { buildMetricRows, compareRuns } from "./compare-runs.js";
import { ComparePage, type ComparedRun } from "./compare-page.js";
import {
  buildAuthorizeUrl,
  checkRepositoryAccess,
  exchangeCode,
  GitHubSignInError,
} from "./github-oauth.js";
import { loadTrends, type Trends } from "./load-trends.js";
import { ErrorPage, NotFoundPage } from "./not-found-page.js";
import type { OAuthOptions } from "./pages-config.js";
import { renderMarkdown } from "./render-markdown.js";
import { RunPage } from "./run-page.js";
import { RunsPage, type RunFilters } from "./runs-page.js";
import { sealValue, unsealValue } from "./seal-cookie.js";
import { verifyReportSignature } from "./sign-report-url.js";
import { TrendsPage } from "./trends-page.js";
import {
  addGrant,
  addRepository,
  canViewPrivate,
  readSession,
  sealSession,
  SESSION_COOKIE,
  type ViewerSession,
} from "./viewer-session.js";

export interface PagesDeps {
  store: ArchiveStore;
  /** Signs links and cookies; without it private reports are never shown. */
  secret?: string;
  oauth?: OAuthOptions;
  /** A QuickChart server for hosted chart URLs (off when unset). */
  quickChartUrl?: string;
  sessionTtlMs?: number;
  /** Where the service is reached (the OAuth redirect); default the request's own origin. */
  publicUrl?: string;
  fetch?: typeof fetch;
  clock?: () => Date;
  log?: Logger;
}

// quickchart-js ships CommonJS types next to an ES module: take the class from the namespace.
// Under NodeNext its types say `default.default`; at run time the ES module's default is the class.
type QuickChartClass = typeof quickchart.default.default;
const quickchartDefault = quickchart.default as unknown as
  QuickChartClass | { default: QuickChartClass };
const QuickChart: QuickChartClass =
  "default" in quickchartDefault ? quickchartDefault.default : quickchartDefault;

const OAUTH_COOKIE = "mlxb_oauth";
const OAUTH_PURPOSE = "oauth-state";
const REPORT_PATH = /^\/reports\/[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.%~/-]*)?$/;
const CACHE_ENTRIES = 32;

// CSP with no script source at all: the pages work without JavaScript and an injected tag could not run.
const PAGE_CSP =
  "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
// Archived artifacts (HTML reports among them) open sandboxed: never with the pages' origin and cookies.
const FILE_CSP = "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'";

interface Viewer {
  session: ViewerSession;
  /** Whether the session changed and must be written back. */
  dirty: boolean;
}

interface RepoAccess {
  repository: string;
  state: RepoState;
  canSeePrivate: boolean;
  viewer: Viewer;
}

/** A small insertion-ordered cache: trends and chart PNGs are pure functions of immutable runs. */
function createCache<V>(size: number): {
  get(k: string): V | undefined;
  set(k: string, v: V): V;
  delete(k: string): void;
} {
  const map = new Map<string, V>();
  return {
    get: (k) => map.get(k),
    set(k, v) {
      map.delete(k);
      map.set(k, v);
      while (map.size > size) map.delete(map.keys().next().value as string);
      return v;
    },
    delete: (k) => void map.delete(k),
  };
}

/**
 * The report archive's pages as a Hono sub-app: runs, one run and its files, trends, comparisons,
 * chart PNGs, and GitHub sign-in. Mount it with `app.route("/", createPagesRoutes(deps))`.
 */
export function createPagesRoutes(deps: PagesDeps): Hono {
  const { store } = deps;
  const clock = deps.clock ?? (() => new Date());
  const fetchFn = deps.fetch ?? fetch;
  const log = deps.log ?? pino({ level: "silent" });
  const sessionTtlMs = deps.sessionTtlMs ?? 8 * 3600 * 1000;
  const trendsCache = createCache<Promise<Trends>>(CACHE_ENTRIES);
  const pngCache = createCache<Promise<Buffer>>(CACHE_ENTRIES * 4);
  const app = new Hono();

  const signInUrl = (path: string): string | undefined =>
    deps.oauth && deps.secret ? `/auth/github/login?next=${encodeURIComponent(path)}` : undefined;

  function html(
    c: Context,
    page: JSX.Element,
    status: 200 | 403 | 404 | 500 = 200,
    isPrivate = false,
  ): Response | Promise<Response> {
    c.header("content-security-policy", PAGE_CSP);
    c.header("x-content-type-options", "nosniff");
    c.header("referrer-policy", "same-origin");
    c.header(
      "cache-control",
      isPrivate || status !== 200 ? "private, no-store" : "public, max-age=60",
    );
    c.header("vary", "Cookie");
    return c.html(page, status);
  }

  function notFound(c: Context, viewer?: Viewer): Response | Promise<Response> {
    const url = signInUrl(c.req.path);
    const login = viewer?.session.login;
    return html(
      c,
      <NotFoundPage {...(url ? { signInUrl: url } : {})} {...(login ? { login } : {})} />,
      404,
    );
  }

  function writeSession(c: Context, viewer: Viewer): void {
    if (!viewer.dirty || deps.secret === undefined) return;
    setCookie(c, SESSION_COOKIE, sealSession(viewer.session, deps.secret), {
      path: "/",
      httpOnly: true,
      sameSite: "Lax",
      secure: new URL(c.req.url).protocol === "https:",
      maxAge: Math.ceil(sessionTtlMs / 1000),
    });
  }

  /** Resolves the repository of the request and whether this viewer may see its private reports; a Response refuses. */
  async function openRepo(c: Context): Promise<RepoAccess | Response> {
    const owner = c.req.param("owner");
    const repo = c.req.param("repo");
    const now = clock().getTime();
    const viewer: Viewer = {
      session: readSession(getCookie(c, SESSION_COOKIE), deps.secret, now),
      dirty: false,
    };
    if (!isSegment(owner) || !isSegment(repo)) return notFound(c, viewer);
    const repository = `${owner}/${repo}`;
    const state = await readRepoState(store, repository);
    if (!state) return notFound(c, viewer);
    const path = c.req.path;
    const link = verifyReportSignature(
      path,
      c.req.query("exp"),
      c.req.query("sig"),
      deps.secret,
      now,
    );
    if (link === "valid") {
      viewer.session = addGrant(viewer.session, path, Number(c.req.query("exp")));
      viewer.dirty = true;
    }
    const canSeePrivate = canViewPrivate(viewer.session, repository, path, now);
    if (state.private && !canSeePrivate) {
      if (link === "expired") {
        const url = signInUrl(path);
        return html(c, <NotFoundPage expired {...(url ? { signInUrl: url } : {})} />, 403);
      }
      return notFound(c, viewer);
    }
    writeSession(c, viewer);
    return { repository, state, canSeePrivate, viewer };
  }

  const loginOf = (a: RepoAccess): { login?: string } =>
    a.viewer.session.login ? { login: a.viewer.session.login } : {};
  const isPrivate = (a: RepoAccess): boolean => a.state.private || a.canSeePrivate;

  async function sendPng(
    c: Context,
    key: string,
    build: () => Promise<Buffer>,
    access: RepoAccess,
  ): Promise<Response> {
    const png = await (pngCache.get(key) ?? pngCache.set(key, build()));
    const etag = `"${createHash("sha1").update(png).digest("base64url")}"`;
    c.header("etag", etag);
    c.header("cache-control", isPrivate(access) ? "private, max-age=300" : "public, max-age=3600");
    c.header("vary", "Cookie");
    c.header("x-content-type-options", "nosniff");
    if (c.req.header("if-none-match") === etag) return c.body(null, 304);
    c.header("content-type", "image/png");
    return c.body(new Uint8Array(png));
  }

  function trendsFor(access: RepoAccess, limit: number): Promise<Trends> {
    const key = `${access.repository}|${access.state.newestRunId}|${access.canSeePrivate}|${limit}`;
    const cached = trendsCache.get(key);
    if (cached) return cached;
    const loading = loadTrends(store, access.repository, {
      defaultBranch: access.state.defaultBranch,
      limit,
      includePrivateRuns: access.canSeePrivate,
    });
    // A failed load is forgotten, so the next request tries again.
    loading.catch(() => trendsCache.delete(key));
    return trendsCache.set(key, loading);
  }

  async function readVisibleRun(access: RepoAccess, runId: string): Promise<ComparedRun | null> {
    const k = runKeys(access.repository, runId);
    const [meta, result] = await Promise.all([
      readJsonDoc(store, k.meta, RunMeta),
      readJsonDoc(store, k.runResult, RunResult),
    ]);
    if (meta.state !== "ok") return null;
    if (meta.value.private && !access.canSeePrivate) return null;
    return { runId, meta: meta.value, result };
  }

  // ---- the repository's runs ----
  app.get("/reports/:owner/:repo", async (c) => {
    const access = await openRepo(c);
    if (access instanceof Response) return access;
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
    const found = await listRuns(store, access.repository, {
      limit: limit + 1,
      ...(filters.branch !== undefined ? { branch: filters.branch } : {}),
      ...(filters.pr !== undefined ? { pullRequest: filters.pr } : {}),
      ...(filters.verdict !== undefined ? { conclusion: filters.verdict } : {}),
    });
    const visible = found.filter((r) => !r.private || access.canSeePrivate);
    return html(
      c,
      <RunsPage
        repository={access.repository}
        defaultBranch={access.state.defaultBranch}
        runs={visible.slice(0, limit)}
        filters={filters}
        filterErrors={errors}
        limit={limit}
        hasMore={found.length > limit}
        {...loginOf(access)}
      />,
      200,
      isPrivate(access),
    );
  });

  // ---- one run ----
  app.get("/reports/:owner/:repo/runs/:runId", async (c) => {
    const access = await openRepo(c);
    if (access instanceof Response) return access;
    const runId = c.req.param("runId");
    if (!isSegment(runId)) return notFound(c, access.viewer);
    const docs = await loadRunDocs(store, access.repository, runId);
    if (!docs) return notFound(c, access.viewer);
    const meta = metaOf(docs);
    // Unknown privacy (no readable meta anywhere) counts as private.
    if ((meta?.private ?? true) && !access.canSeePrivate) return notFound(c, access.viewer);
    const verdict = docs.verdict.state === "ok" ? docs.verdict.value : null;
    let baseline: RunResult | null = null;
    let baselineProblem: string | null = null;
    if (verdict?.baseline && isSegment(verdict.baseline.runId)) {
      const b = await readVisibleRun(access, verdict.baseline.runId);
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
    return html(
      c,
      <RunPage
        repository={access.repository}
        runId={runId}
        meta={meta}
        metaProblem={docs.meta.state === "corrupt" ? docs.meta.problem : null}
        runResult={docs.runResult}
        verdict={docs.verdict}
        summaryHtml={docs.summary.state === "ok" ? renderMarkdown(docs.summary.value) : null}
        baselineProblem={baselineProblem}
        rows={buildMetricRows(runResult, baseline, verdict)}
        files={docs.keys}
        {...loginOf(access)}
      />,
      200,
      isPrivate(access) || meta?.private === true,
    );
  });

  // ---- a run's raw artifacts and documents ----
  async function serveRunObject(c: Context, rel: string): Promise<Response> {
    const access = await openRepo(c);
    if (access instanceof Response) return access;
    const runId = c.req.param("runId");
    if (!isSegment(runId)) return notFound(c, access.viewer);
    const k = runKeys(access.repository, runId);
    const meta = await readJsonDoc(store, k.meta, RunMeta);
    const runPrivate = meta.state === "ok" ? meta.value.private : true;
    if (runPrivate && !access.canSeePrivate) return notFound(c, access.viewer);
    let obj;
    try {
      obj = await store.get(`${k.prefix}${rel}`);
    } catch (err) {
      log.warn({ err, rel }, "archive object not served");
      obj = null;
    }
    if (!obj) return notFound(c, access.viewer);
    c.header("content-type", obj.contentType);
    c.header("content-disposition", "inline");
    c.header("content-security-policy", FILE_CSP);
    c.header("x-content-type-options", "nosniff");
    c.header(
      "cache-control",
      isPrivate(access) || runPrivate ? "private, max-age=300" : "public, max-age=86400",
    );
    c.header("vary", "Cookie");
    return c.body(new Uint8Array(obj.body));
  }

  app.get("/reports/:owner/:repo/runs/:runId/files/*", (c) => {
    const prefix = `/reports/${c.req.param("owner")}/${c.req.param("repo")}/runs/${c.req.param("runId")}/`;
    let rel: string;
    try {
      rel = c.req.path.slice(prefix.length).split("/").map(decodeURIComponent).join("/");
    } catch {
      return notFound(c);
    }
    return serveRunObject(c, rel);
  });
  app.get(
    "/reports/:owner/:repo/runs/:runId/:doc{meta\\.json|run_result\\.json|verdict\\.json|summary\\.md}",
    (c) => serveRunObject(c, c.req.param("doc")),
  );

  // ---- trends ----
  const trendLimit = (c: Context): number => {
    const n = Number(c.req.query("limit") ?? "60");
    return Number.isInteger(n) && n >= 6 ? Math.min(n, 300) : 60;
  };

  app.get("/reports/:owner/:repo/trends", async (c) => {
    const access = await openRepo(c);
    if (access instanceof Response) return access;
    const trends = await trendsFor(access, trendLimit(c));
    const hostedCharts: Record<string, string> = {};
    if (deps.quickChartUrl) {
      const host = new URL(deps.quickChartUrl);
      for (const m of trends.metrics) {
        hostedCharts[m.key] = new QuickChart()
          .setConfig(trendChartConfig(m, trends.defaultBranch, false))
          .setScheme(host.protocol.replace(":", ""))
          .setHost(host.host)
          .setWidth(960)
          .setHeight(540)
          .setBackgroundColor("#ffffff")
          .getUrl();
      }
    }
    return html(
      c,
      <TrendsPage
        repository={access.repository}
        trends={trends}
        hostedCharts={hostedCharts}
        version={access.state.newestRunId}
        {...loginOf(access)}
      />,
      200,
      isPrivate(access),
    );
  });

  app.get("/reports/:owner/:repo/trends/:chart{.+\\.png}", async (c) => {
    const access = await openRepo(c);
    if (access instanceof Response) return access;
    const key = c.req.param("chart").slice(0, -".png".length);
    const limit = trendLimit(c);
    const trends = await trendsFor(access, limit);
    const trend = trends.metrics.find((m) => m.key === key);
    if (!trend) return notFound(c, access.viewer);
    const cacheKey = `trend|${access.repository}|${access.state.newestRunId}|${access.canSeePrivate}|${limit}|${key}`;
    return sendPng(
      c,
      cacheKey,
      () => renderChartPng(trendChartConfig(trend, trends.defaultBranch)),
      access,
    );
  });

  // ---- comparison ----
  async function comparedPair(
    c: Context,
    access: RepoAccess,
  ): Promise<{ a: ComparedRun | null; b: ComparedRun | null; errors: string[] }> {
    const errors: string[] = [];
    const pick = async (name: "a" | "b"): Promise<ComparedRun | null> => {
      const id = c.req.query(name)?.trim();
      if (!id) return null;
      const run = isSegment(id) ? await readVisibleRun(access, id) : null;
      if (!run)
        errors.push(
          `run ${name.toUpperCase()} (${JSON.stringify(id)}) is not in this repository's archive`,
        );
      return run;
    };
    const [a, b] = await Promise.all([pick("a"), pick("b")]);
    return { a, b, errors };
  }

  app.get("/reports/:owner/:repo/compare", async (c) => {
    const access = await openRepo(c);
    if (access instanceof Response) return access;
    const [{ a, b, errors }, choices] = await Promise.all([
      comparedPair(c, access),
      listRuns(store, access.repository, { limit: 60 }),
    ]);
    const rows =
      a && b
        ? compareRuns(
            a.result.state === "ok" ? a.result.value : null,
            b.result.state === "ok" ? b.result.value : null,
          )
        : [];
    return html(
      c,
      <ComparePage
        repository={access.repository}
        choices={choices.filter((r) => !r.private || access.canSeePrivate)}
        a={a}
        b={b}
        rows={rows}
        errors={errors}
        {...loginOf(access)}
      />,
      200,
      isPrivate(access),
    );
  });

  app.get("/reports/:owner/:repo/compare.png", async (c) => {
    const access = await openRepo(c);
    if (access instanceof Response) return access;
    const { a, b } = await comparedPair(c, access);
    if (!a || !b || a.result.state !== "ok" || b.result.state !== "ok")
      return notFound(c, access.viewer);
    const rows = compareRuns(a.result.value, b.result.value);
    if (!rows.some((r) => r.changePct !== null)) return notFound(c, access.viewer);
    return sendPng(
      c,
      `compare|${access.repository}|${a.runId}|${b.runId}|${access.canSeePrivate}`,
      () =>
        renderChartPng(compareChartConfig(rows, a.runId, b.runId), {
          width: 960,
          height: compareChartHeight(rows),
        }),
      access,
    );
  });

  // ---- GitHub sign-in ----
  const redirectUri = (c: Context): string =>
    `${deps.publicUrl ?? new URL(c.req.url).origin}/auth/github/callback`;

  app.get("/auth/github/login", (c) => {
    const oauth = deps.oauth;
    const secret = deps.secret;
    if (!oauth || !secret)
      return html(c, <ErrorPage message="GitHub sign-in is not configured on this server." />, 404);
    const next = c.req.query("next") ?? "";
    if (!REPORT_PATH.test(next))
      return html(
        c,
        <ErrorPage message="Sign-in needs the report page to return to (next=/reports/owner/repo…)." />,
        404,
      );
    const state = randomBytes(16).toString("hex");
    const now = clock().getTime();
    setCookie(
      c,
      OAUTH_COOKIE,
      sealValue(OAUTH_PURPOSE, { state, next, exp: now + 10 * 60_000 }, secret),
      {
        path: "/auth/github",
        httpOnly: true,
        sameSite: "Lax",
        secure: new URL(c.req.url).protocol === "https:",
        maxAge: 600,
      },
    );
    c.header("cache-control", "no-store");
    return c.redirect(buildAuthorizeUrl(oauth, state, redirectUri(c)), 302);
  });

  app.get("/auth/github/callback", async (c) => {
    const oauth = deps.oauth;
    const secret = deps.secret;
    if (!oauth || !secret)
      return html(c, <ErrorPage message="GitHub sign-in is not configured on this server." />, 404);
    const now = clock().getTime();
    const pending = unsealValue(OAUTH_PURPOSE, getCookie(c, OAUTH_COOKIE), secret) as {
      state?: unknown;
      next?: unknown;
      exp?: unknown;
    } | null;
    deleteCookie(c, OAUTH_COOKIE, { path: "/auth/github" });
    const state = c.req.query("state") ?? "";
    const code = c.req.query("code") ?? "";
    const expected = typeof pending?.state === "string" ? pending.state : "";
    const sameState =
      expected.length > 0 &&
      state.length === expected.length &&
      timingSafeEqual(Buffer.from(state), Buffer.from(expected));
    if (
      !sameState ||
      typeof pending?.next !== "string" ||
      typeof pending.exp !== "number" ||
      pending.exp < now ||
      !REPORT_PATH.test(pending.next)
    ) {
      return html(
        c,
        <ErrorPage message="This sign-in attempt is unknown or expired. Start again from the report page." />,
        403,
      );
    }
    if (code === "")
      return html(
        c,
        <ErrorPage message="GitHub did not send a sign-in code (was access denied?)." />,
        403,
      );
    const next = pending.next;
    const [, , owner = "", repo = ""] = next.split("/");
    const repository = `${owner}/${repo}`;
    let result: { login: string; allowed: boolean };
    try {
      const token = await exchangeCode(oauth, code, redirectUri(c), fetchFn);
      result = await checkRepositoryAccess(oauth, token, repository, fetchFn);
    } catch (err) {
      if (!(err instanceof GitHubSignInError)) throw err;
      log.warn({ err }, "GitHub sign-in failed");
      return html(c, <ErrorPage message={`Sign-in failed: ${err.message}`} />, 500);
    }
    if (!result.allowed) {
      log.info({ login: result.login }, "sign-in without access to the requested reports");
      return html(c, <NotFoundPage login={result.login} />, 403);
    }
    const session = addRepository(
      readSession(getCookie(c, SESSION_COOKIE), secret, now),
      result.login,
      repository,
      now + sessionTtlMs,
    );
    writeSession(c, { session, dirty: true });
    c.header("cache-control", "no-store");
    return c.redirect(next, 302);
  });

  // Browsers ask for it when showing a plain-text artifact; an empty answer, cached for a day.
  app.get("/favicon.ico", (c) => {
    c.header("cache-control", "public, max-age=86400");
    return c.body(null, 204);
  });

  // Anything else under /reports is a 404 page, not the service's JSON 404.
  app.get("/reports/*", (c) => notFound(c));
  app.get("/reports", (c) => notFound(c));

  app.onError((err, c) => {
    log.error({ err, path: c.req.path }, "report page failed");
    return html(
      c,
      <ErrorPage message="The archive could not be read just now. Try again in a moment." />,
      500,
    );
  });
  return app;
}
