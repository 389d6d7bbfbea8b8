import { createHash } from "node:crypto";
import type { Context } from "hono";
import type { renderChartPng as RenderChartPng } from "@mlxbench/suite/report/charts";
import type { PagesRuntime } from "./pages-deps.js";
import { isPrivate, type RepoAccess } from "./pages-env.js";

/**
 * Loaded on the first chart request: the native canvas then never stands between the other
 * routes and a runtime that lacks it (a Lambda bundle built on another platform).
 */
export const renderChartPng: typeof RenderChartPng = async (...args) =>
  (await import("@mlxbench/suite/report/charts")).renderChartPng(...args);

/** A chart PNG, built once per key, with an ETag so a browser's copy is revalidated for free. */
export async function sendPng(
  c: Context,
  rt: PagesRuntime,
  key: string,
  build: () => Promise<Buffer>,
  access: RepoAccess,
): Promise<Response> {
  const png = await (rt.pngCache.get(key) ?? rt.pngCache.set(key, build()));
  const etag = `"${createHash("sha1").update(png).digest("base64url")}"`;
  c.header("etag", etag);
  c.header("cache-control", isPrivate(access) ? "private, max-age=300" : "public, max-age=3600");
  c.header("vary", "Cookie");
  if (c.req.header("if-none-match") === etag) return c.body(null, 304);
  c.header("content-type", "image/png");
  return c.body(new Uint8Array(png));
}
