import { createHmac, timingSafeEqual } from "node:crypto";

const REPORTS_PATH = /^\/reports\/[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+(\/[^?#]*)?$/;

function mac(path: string, expiresAtMs: number, secret: string): string {
  // The purpose prefix keeps a link signature from ever validating as a cookie, and vice versa.
  return createHmac("sha256", secret).update(`report-link\n${path}\n${expiresAtMs}`).digest("hex");
}

/**
 * A link to a (private) report that works until `expiresAt`: HMAC-SHA256 over the path and the
 * expiry. It grants the path and everything beneath it (a run page grants its files and charts).
 * `path` may be a path (`/reports/o/r/runs/id`) or an absolute URL whose path is signed.
 */
export function signReportUrl(path: string, secret: string, expiresAt: Date | number): string {
  if (secret.length === 0) throw new RangeError("signReportUrl needs a non-empty secret");
  const exp = typeof expiresAt === "number" ? expiresAt : expiresAt.getTime();
  if (!Number.isSafeInteger(exp) || exp <= 0)
    throw new RangeError(`expiresAt ${String(expiresAt)} is not a valid time`);
  const absolute = /^https?:\/\//.test(path);
  const url = absolute ? new URL(path) : null;
  const pathname = url ? url.pathname : path;
  if (!REPORTS_PATH.test(pathname)) {
    throw new RangeError(
      `${JSON.stringify(pathname)} is not a report path (/reports/{owner}/{repo}/…)`,
    );
  }
  if (url && url.search !== "") throw new RangeError("signReportUrl signs paths without a query");
  const query = `exp=${exp}&sig=${mac(pathname, exp, secret)}`;
  return url ? `${url.origin}${pathname}?${query}` : `${pathname}?${query}`;
}

export type LinkCheck = "valid" | "missing" | "expired" | "invalid";

/** Checks a link's `exp` and `sig` for `path`, in constant time. */
export function verifyReportSignature(
  path: string,
  exp: string | undefined,
  sig: string | undefined,
  secret: string | undefined,
  nowMs: number,
): LinkCheck {
  if (exp === undefined && sig === undefined) return "missing";
  if (secret === undefined || secret.length === 0) return "invalid";
  if (
    exp === undefined ||
    sig === undefined ||
    !/^\d{1,16}$/.test(exp) ||
    !/^[0-9a-f]{64}$/.test(sig)
  )
    return "invalid";
  const expected = Buffer.from(mac(path, Number(exp), secret), "hex");
  if (!timingSafeEqual(expected, Buffer.from(sig, "hex"))) return "invalid";
  return Number(exp) > nowMs ? "valid" : "expired";
}
