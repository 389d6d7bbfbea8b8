import type { Context } from "hono";
import { setCookie } from "hono/cookie";
import type { JSX } from "hono/jsx/jsx-runtime";
import { NotFoundPage } from "./not-found-page.js";
import type { PagesRuntime } from "./pages-deps.js";
import type { Viewer } from "./pages-env.js";
import { sealSession, SESSION_COOKIE } from "./viewer-session.js";

/** Where sign-in starts for a page, when sign-in is configured. */
export const signInUrl = (rt: PagesRuntime, path: string): string | undefined =>
  rt.oauth && rt.secret ? `/auth/github/login?next=${encodeURIComponent(path)}` : undefined;

/** An HTML page; security headers come from pageHeaders(), caching is decided here. */
export function sendPage(
  c: Context,
  page: JSX.Element,
  status: 200 | 403 | 404 | 500 = 200,
  isPrivate = false,
): Response | Promise<Response> {
  c.header(
    "cache-control",
    isPrivate || status !== 200 ? "private, no-store" : "public, max-age=60",
  );
  c.header("vary", "Cookie");
  return c.html(page, status);
}

/** The one 404 page: it never tells whether a private repository exists. */
export function sendNotFound(
  c: Context,
  rt: PagesRuntime,
  viewer?: Viewer,
): Response | Promise<Response> {
  const url = signInUrl(rt, c.req.path);
  const login = viewer?.session.login;
  return sendPage(
    c,
    <NotFoundPage {...(url ? { signInUrl: url } : {})} {...(login ? { login } : {})} />,
    404,
  );
}

/** Writes the session cookie back when it changed. */
export function writeSession(c: Context, rt: PagesRuntime, viewer: Viewer): void {
  if (!viewer.dirty || rt.secret === undefined) return;
  setCookie(c, SESSION_COOKIE, sealSession(viewer.session, rt.secret), {
    path: "/",
    httpOnly: true,
    sameSite: "Lax",
    secure: new URL(c.req.url).protocol === "https:",
    maxAge: Math.ceil(rt.sessionTtlMs / 1000),
  });
}
