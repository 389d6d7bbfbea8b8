import { Hono } from "hono";
import { createCompareRoutes } from "./compare-routes.js";
import { ErrorPage } from "./not-found-page.js";
import { pageHeaders } from "./page-headers.js";
import { resolvePagesDeps, type PagesDeps } from "./pages-deps.js";
import { sendNotFound, sendPage } from "./respond.js";
import { createRunFilesRoutes } from "./run-files-routes.js";
import { createRunsRoutes } from "./runs-routes.js";
import { createSignInRoutes } from "./sign-in-routes.js";
import { createTrendsRoutes } from "./trends-routes.js";

export type { PagesDeps } from "./pages-deps.js";

/**
 * The report archive's pages as a Hono sub-app: runs, one run and its files, trends, comparisons,
 * chart PNGs, and GitHub sign-in. Mount it with `app.route("/", createPagesRoutes(deps))`.
 * Every /reports/:owner/:repo route passes requireRepoAccess() first; an error is the HTML
 * error page of this app's onError, not the service's JSON.
 */
export function createPagesRoutes(deps: PagesDeps): Hono {
  const rt = resolvePagesDeps(deps);
  const app = new Hono();
  const headers = pageHeaders();

  app.route("/", createRunsRoutes(rt));
  app.route("/", createRunFilesRoutes(rt));
  app.route("/", createTrendsRoutes(rt));
  app.route("/", createCompareRoutes(rt));
  app.route("/", createSignInRoutes(rt));

  // Browsers ask for it when showing a plain-text artifact; an empty answer, cached for a day.
  app.get("/favicon.ico", (c) => {
    c.header("cache-control", "public, max-age=86400");
    return c.body(null, 204);
  });

  // Anything else under /reports is a 404 page, not the service's JSON 404.
  app.get("/reports/*", headers, (c) => sendNotFound(c, rt));
  app.get("/reports", headers, (c) => sendNotFound(c, rt));

  app.onError((err, c) => {
    rt.log.error({ err, path: c.req.path }, "report page failed");
    return sendPage(
      c,
      <ErrorPage message="The archive could not be read just now. Try again in a moment." />,
      500,
    );
  });
  return app;
}
