import type { MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { isSegment, readRepoState } from "./archive-view.js";
import { NotFoundPage } from "./not-found-page.js";
import type { PagesRuntime } from "./pages-deps.js";
import type { PagesEnv, Viewer } from "./pages-env.js";
import { sendNotFound, sendPage, signInUrl, writeSession } from "./respond.js";
import { verifyReportSignature } from "./sign-report-url.js";
import { addGrant, canViewPrivate, readSession, SESSION_COOKIE } from "./viewer-session.js";

/**
 * Resolves :owner/:repo and whether this viewer may see its private reports (a sign-in session
 * or a signed link, whose grant is added to the session); sets `access`. Refuses with the 404
 * page (unknown, or private and not allowed) or 403 (an expired signed link).
 */
export function requireRepoAccess(rt: PagesRuntime): MiddlewareHandler<PagesEnv> {
  return async function requireRepoAccess(c, next) {
    const owner = c.req.param("owner");
    const repo = c.req.param("repo");
    const now = rt.clock().getTime();
    const viewer: Viewer = {
      session: readSession(getCookie(c, SESSION_COOKIE), rt.secret, now),
      dirty: false,
    };
    if (!isSegment(owner) || !isSegment(repo)) return sendNotFound(c, rt, viewer);
    const repository = `${owner}/${repo}`;
    const state = await readRepoState(rt.store, repository);
    if (!state) return sendNotFound(c, rt, viewer);
    const path = c.req.path;
    const link = verifyReportSignature(
      path,
      c.req.query("exp"),
      c.req.query("sig"),
      rt.secret,
      now,
    );
    if (link === "valid") {
      viewer.session = addGrant(viewer.session, path, Number(c.req.query("exp")));
      viewer.dirty = true;
    }
    const canSeePrivate = canViewPrivate(viewer.session, repository, path, now);
    if (state.private && !canSeePrivate) {
      if (link === "expired") {
        const url = signInUrl(rt, path);
        return sendPage(c, <NotFoundPage expired {...(url ? { signInUrl: url } : {})} />, 403);
      }
      return sendNotFound(c, rt, viewer);
    }
    writeSession(c, rt, viewer);
    c.set("access", { repository, state, canSeePrivate, viewer });
    return next();
  };
}
