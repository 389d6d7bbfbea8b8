import { z } from "zod";
import { sealValue, unsealValue } from "./seal-cookie.js";

export const SESSION_COOKIE = "mlxb_session";
const PURPOSE = "viewer-session";
/** Grants from signed links kept per cookie: enough for a few open reports, small enough for a header. */
const MAX_GRANTS = 8;
const MAX_REPOS = 16;

const SessionShape = z.object({
  login: z.string().optional(),
  /** owner/repo → sign-in access valid until (epoch ms). */
  repos: z.record(z.string(), z.number()),
  /** path scope of a signed link → valid until (epoch ms). */
  grants: z.record(z.string(), z.number()),
});

/** What a browser has proven: a GitHub sign-in with access to some repositories, and signed links. */
export interface ViewerSession {
  login?: string;
  repos: Record<string, number>;
  grants: Record<string, number>;
}

export const emptySession = (): ViewerSession => ({ repos: {}, grants: {} });

/** The session in the cookie, without expired entries; an empty one when absent or tampered. */
export function readSession(
  cookie: string | undefined,
  secret: string | undefined,
  nowMs: number,
): ViewerSession {
  if (secret === undefined) return emptySession();
  const parsed = SessionShape.safeParse(unsealValue(PURPOSE, cookie, secret));
  if (!parsed.success) return emptySession();
  const live = (r: Record<string, number>): Record<string, number> =>
    Object.fromEntries(Object.entries(r).filter(([, until]) => until > nowMs));
  return {
    ...(parsed.data.login !== undefined ? { login: parsed.data.login } : {}),
    repos: live(parsed.data.repos),
    grants: live(parsed.data.grants),
  };
}

export function sealSession(session: ViewerSession, secret: string): string {
  return sealValue(PURPOSE, session, secret);
}

/** The session plus a signed link's scope, keeping only the newest few grants. */
export function addGrant(session: ViewerSession, scope: string, untilMs: number): ViewerSession {
  const grants = Object.entries({ ...session.grants, [scope]: untilMs })
    .sort((a, b) => b[1] - a[1])
    .slice(0, MAX_GRANTS);
  return { ...session, grants: Object.fromEntries(grants) };
}

export function addRepository(
  session: ViewerSession,
  login: string,
  repository: string,
  untilMs: number,
): ViewerSession {
  const repos = Object.entries({ ...session.repos, [repository]: untilMs })
    .sort((a, b) => b[1] - a[1])
    .slice(0, MAX_REPOS);
  return { ...session, login, repos: Object.fromEntries(repos) };
}

/** May this session see private reports of `repository` at `path`? */
export function canViewPrivate(
  session: ViewerSession,
  repository: string,
  path: string,
  nowMs: number,
): boolean {
  if ((session.repos[repository] ?? 0) > nowMs) return true;
  return Object.entries(session.grants).some(
    ([scope, until]) => until > nowMs && (path === scope || path.startsWith(`${scope}/`)),
  );
}
