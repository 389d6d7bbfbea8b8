import { Hono, type Context } from "hono";
import { RunMeta, runKeys } from "@mlxbench/archive";
import { isSegment, readJsonDoc } from "./archive-view.js";
import { fileHeaders } from "./page-headers.js";
import type { PagesRuntime } from "./pages-deps.js";
import { isPrivate, type PagesEnv } from "./pages-env.js";
import { requireRepoAccess } from "./require-repo-access.js";
import { sendNotFound } from "./respond.js";

/** A run's raw artifacts (…/files/*) and documents (meta.json, run_result.json, …), sandboxed. */
export function createRunFilesRoutes(rt: PagesRuntime): Hono<PagesEnv> {
  const { store, log } = rt;
  const app = new Hono<PagesEnv>();
  const headers = fileHeaders();
  const access = requireRepoAccess(rt);

  async function serveRunObject(c: Context<PagesEnv>, rel: string): Promise<Response> {
    const a = c.var.access;
    const runId = c.req.param("runId");
    if (!isSegment(runId)) return sendNotFound(c, rt, a.viewer);
    const k = runKeys(a.repository, runId);
    const meta = await readJsonDoc(store, k.meta, RunMeta);
    const runPrivate = meta.state === "ok" ? meta.value.private : true;
    if (runPrivate && !a.canSeePrivate) return sendNotFound(c, rt, a.viewer);
    let obj;
    try {
      obj = await store.get(`${k.prefix}${rel}`);
    } catch (err) {
      log.warn({ err, rel }, "archive object not served");
      obj = null;
    }
    if (!obj) return sendNotFound(c, rt, a.viewer);
    c.header("content-type", obj.contentType);
    c.header("content-disposition", "inline");
    c.header(
      "cache-control",
      isPrivate(a) || runPrivate ? "private, max-age=300" : "public, max-age=86400",
    );
    c.header("vary", "Cookie");
    return c.body(new Uint8Array(obj.body));
  }

  app.get("/reports/:owner/:repo/runs/:runId/files/*", headers, access, (c) => {
    const prefix = `/reports/${c.req.param("owner")}/${c.req.param("repo")}/runs/${c.req.param("runId")}/`;
    let rel: string;
    try {
      rel = c.req.path.slice(prefix.length).split("/").map(decodeURIComponent).join("/");
    } catch {
      return sendNotFound(c, rt, c.var.access.viewer);
    }
    return serveRunObject(c, rel);
  });
  app.get(
    "/reports/:owner/:repo/runs/:runId/:doc{meta\\.json|run_result\\.json|verdict\\.json|summary\\.md}",
    headers,
    access,
    (c) => serveRunObject(c, c.req.param("doc")),
  );
  return app;
}
