import { Hono } from "hono";
import type { ArchiveStore } from "@mlxbench/archive";
import type { Logger } from "pino";
import { createPagesRoutes } from "./create-pages-routes.js";

export interface LocalPagesOptions {
  store: ArchiveStore;
  /** "owner/repo" whose runs list `/` redirects to; without it `/` is the pages' 404. */
  repository?: string;
  log?: Logger;
}

const READ_METHODS = new Set(["GET", "HEAD"]);

/**
 * The archive's pages read-only, for one machine (the demo, a look at a local archive): no GitHub
 * App, no secret, so private repositories are never shown (404) and nobody can sign in. Anything
 * but GET and HEAD is 405: nothing here writes.
 */
export function createLocalPagesApp(o: LocalPagesOptions): Hono {
  const app = new Hono();
  app.use("*", async function refuseWrites(c, next) {
    if (READ_METHODS.has(c.req.method)) return next();
    c.header("allow", "GET, HEAD");
    return c.text(`${c.req.method} is not allowed: these pages are read-only\n`, 405);
  });
  if (o.repository) {
    const home = `/reports/${o.repository}`;
    app.get("/", (c) => c.redirect(home, 302));
  }
  app.route("/", createPagesRoutes({ store: o.store, ...(o.log ? { log: o.log } : {}) }));
  return app;
}
