import { z } from "zod";

/** Where GitHub's OAuth web flow and API live; tests point both at local servers. */
export interface OAuthOptions {
  clientId: string;
  clientSecret: string;
  /** github.com (authorize, access_token); default https://github.com. */
  webUrl: string;
  /** The REST API; default https://api.github.com. */
  apiUrl: string;
}

/** The pages' own settings; the service's Config stays untouched. */
export const PagesConfig = z.object({
  /** HMAC key of signed report links and session cookies; without it private reports are unreachable. */
  REPORTS_SECRET: z
    .string()
    .min(32, "must be at least 32 characters (it is an HMAC key)")
    .optional(),
  GITHUB_OAUTH_CLIENT_ID: z.string().min(1).optional(),
  GITHUB_OAUTH_CLIENT_SECRET: z.string().min(1).optional(),
  GITHUB_WEB_URL: z
    .url()
    .default("https://github.com")
    .transform((s) => s.replace(/\/+$/, "")),
  GITHUB_API_URL: z
    .url()
    .default("https://api.github.com")
    .transform((s) => s.replace(/\/+$/, "")),
  /** A QuickChart server for hosted chart URLs; off when unset. */
  QUICKCHART_URL: z
    .url()
    .optional()
    .transform((s) => s?.replace(/\/+$/, "")),
  SESSION_TTL_SECONDS: z.coerce
    .number()
    .int()
    .positive()
    .default(8 * 3600),
});
export type PagesConfig = z.infer<typeof PagesConfig>;

/** A configuration problem of the pages, naming the variable. */
export class PagesConfigError extends Error {
  override readonly name = "PagesConfigError";
}

export interface PagesSettings {
  secret?: string;
  oauth?: OAuthOptions;
  quickChartUrl?: string;
  sessionTtlMs: number;
}

/** Reads the pages' settings from the environment; every problem names its variable. */
export function loadPagesConfig(
  env: Record<string, string | undefined> = process.env,
): PagesSettings {
  const parsed = PagesConfig.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ");
    throw new PagesConfigError(`invalid pages configuration: ${problems}`, { cause: parsed.error });
  }
  const c = parsed.data;
  const hasId = c.GITHUB_OAUTH_CLIENT_ID !== undefined;
  const hasSecret = c.GITHUB_OAUTH_CLIENT_SECRET !== undefined;
  if (hasId !== hasSecret) {
    throw new PagesConfigError(
      "invalid pages configuration: GITHUB_OAUTH_CLIENT_ID and GITHUB_OAUTH_CLIENT_SECRET must be set together",
    );
  }
  if (hasId && c.REPORTS_SECRET === undefined) {
    throw new PagesConfigError(
      "invalid pages configuration: GitHub sign-in needs REPORTS_SECRET (it signs the session cookie)",
    );
  }
  return {
    sessionTtlMs: c.SESSION_TTL_SECONDS * 1000,
    ...(c.REPORTS_SECRET !== undefined ? { secret: c.REPORTS_SECRET } : {}),
    ...(c.QUICKCHART_URL !== undefined ? { quickChartUrl: c.QUICKCHART_URL } : {}),
    ...(c.GITHUB_OAUTH_CLIENT_ID !== undefined && c.GITHUB_OAUTH_CLIENT_SECRET !== undefined
      ? {
          oauth: {
            clientId: c.GITHUB_OAUTH_CLIENT_ID,
            clientSecret: c.GITHUB_OAUTH_CLIENT_SECRET,
            webUrl: c.GITHUB_WEB_URL,
            apiUrl: c.GITHUB_API_URL,
          },
        }
      : {}),
  };
}
