import { randomBytes, timingSafeEqual } from "node:crypto";
import { Hono, type Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import {
  buildAuthorizeUrl,
  checkRepositoryAccess,
  exchangeCode,
  GitHubSignInError,
} from "./github-oauth.js";
import { ErrorPage, NotFoundPage } from "./not-found-page.js";
import { pageHeaders } from "./page-headers.js";
import type { PagesRuntime } from "./pages-deps.js";
import { sendPage, writeSession } from "./respond.js";
import { sealValue, unsealValue } from "./seal-cookie.js";
import { addRepository, readSession, SESSION_COOKIE } from "./viewer-session.js";

const OAUTH_COOKIE = "mlxb_oauth";
const OAUTH_PURPOSE = "oauth-state";
const REPORT_PATH = /^\/reports\/[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.%~/-]*)?$/;

/**
 * GitHub sign-in: /auth/github/login sets a sealed state cookie and redirects to GitHub;
 * /auth/github/callback checks it, asks GitHub whether the viewer may read the repository, and
 * adds that repository to the session before returning to the report.
 */
export function createSignInRoutes(rt: PagesRuntime): Hono {
  const app = new Hono();
  const headers = pageHeaders();
  const redirectUri = (c: Context): string =>
    `${rt.publicUrl ?? new URL(c.req.url).origin}/auth/github/callback`;
  const notConfigured = (c: Context) =>
    sendPage(c, <ErrorPage message="GitHub sign-in is not configured on this server." />, 404);

  app.get("/auth/github/login", headers, (c) => {
    const { oauth, secret } = rt;
    if (!oauth || !secret) return notConfigured(c);
    const next = c.req.query("next") ?? "";
    if (!REPORT_PATH.test(next))
      return sendPage(
        c,
        <ErrorPage message="Sign-in needs the report page to return to (next=/reports/owner/repo…)." />,
        404,
      );
    const state = randomBytes(16).toString("hex");
    const now = rt.clock().getTime();
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

  app.get("/auth/github/callback", headers, async (c) => {
    const { oauth, secret } = rt;
    if (!oauth || !secret) return notConfigured(c);
    const now = rt.clock().getTime();
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
      return sendPage(
        c,
        <ErrorPage message="This sign-in attempt is unknown or expired. Start again from the report page." />,
        403,
      );
    }
    if (code === "")
      return sendPage(
        c,
        <ErrorPage message="GitHub did not send a sign-in code (was access denied?)." />,
        403,
      );
    const next = pending.next;
    const [, , owner = "", repo = ""] = next.split("/");
    const repository = `${owner}/${repo}`;
    let result: { login: string; allowed: boolean };
    try {
      const token = await exchangeCode(oauth, code, redirectUri(c), rt.fetch);
      result = await checkRepositoryAccess(oauth, token, repository, rt.fetch);
    } catch (err) {
      if (!(err instanceof GitHubSignInError)) throw err;
      rt.log.warn({ err }, "GitHub sign-in failed");
      return sendPage(c, <ErrorPage message={`Sign-in failed: ${err.message}`} />, 500);
    }
    if (!result.allowed) {
      rt.log.info({ login: result.login }, "sign-in without access to the requested reports");
      return sendPage(c, <NotFoundPage login={result.login} />, 403);
    }
    const session = addRepository(
      readSession(getCookie(c, SESSION_COOKIE), secret, now),
      result.login,
      repository,
      now + rt.sessionTtlMs,
    );
    writeSession(c, rt, { session, dirty: true });
    c.header("cache-control", "no-store");
    return c.redirect(next, 302);
  });

  return app;
}
