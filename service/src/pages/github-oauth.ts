import type { OAuthOptions } from "./pages-config.js";

/** GitHub's OAuth web flow or the access check failed (GitHub down, a refused code, a bad answer). */
export class GitHubSignInError extends Error {
  override readonly name = "GitHubSignInError";
}

/** Where to send the browser: GitHub's authorize page for this app. */
export function buildAuthorizeUrl(oauth: OAuthOptions, state: string, redirectUri: string): string {
  const q = new URLSearchParams({
    client_id: oauth.clientId,
    redirect_uri: redirectUri,
    state,
    allow_signup: "false",
  });
  return `${oauth.webUrl}/login/oauth/authorize?${q.toString()}`;
}

/** Trades the callback's code for a user access token. */
export async function exchangeCode(
  oauth: OAuthOptions,
  code: string,
  redirectUri: string,
  fetchFn: typeof fetch,
): Promise<string> {
  let res: Response;
  try {
    res = await fetchFn(`${oauth.webUrl}/login/oauth/access_token`, {
      method: "POST",
      headers: { accept: "application/json", "content-type": "application/json" },
      body: JSON.stringify({
        client_id: oauth.clientId,
        client_secret: oauth.clientSecret,
        code,
        redirect_uri: redirectUri,
      }),
    });
  } catch (err) {
    throw new GitHubSignInError(`cannot reach ${oauth.webUrl} for the token exchange`, {
      cause: err,
    });
  }
  const body = (await res.json().catch(() => null)) as {
    access_token?: unknown;
    error?: unknown;
    error_description?: unknown;
  } | null;
  if (
    !res.ok ||
    body === null ||
    typeof body.access_token !== "string" ||
    body.access_token === ""
  ) {
    const why =
      typeof body?.error_description === "string"
        ? body.error_description
        : typeof body?.error === "string"
          ? body.error
          : `HTTP ${res.status}`;
    throw new GitHubSignInError(`GitHub refused the sign-in code: ${why}`);
  }
  return body.access_token;
}

/**
 * The signed-in user's login, and whether they can read `repository`: GitHub answers
 * GET /repos/{owner}/{repo} for a user token only when the user (and, for a GitHub App token,
 * the installation) has access; 404 or 403 otherwise.
 */
export async function checkRepositoryAccess(
  oauth: OAuthOptions,
  token: string,
  repository: string,
  fetchFn: typeof fetch,
): Promise<{ login: string; allowed: boolean }> {
  const headers = {
    accept: "application/vnd.github+json",
    authorization: `Bearer ${token}`,
    "x-github-api-version": "2022-11-28",
  };
  const call = async (path: string): Promise<Response> => {
    try {
      return await fetchFn(`${oauth.apiUrl}${path}`, { headers });
    } catch (err) {
      throw new GitHubSignInError(`cannot reach ${oauth.apiUrl}${path}`, { cause: err });
    }
  };
  const user = await call("/user");
  const userBody = (await user.json().catch(() => null)) as { login?: unknown } | null;
  if (!user.ok || typeof userBody?.login !== "string")
    throw new GitHubSignInError(`GET /user answered ${user.status}`);
  const repo = await call(`/repos/${repository}`);
  if (repo.status === 404 || repo.status === 403) return { login: userBody.login, allowed: false };
  if (!repo.ok) throw new GitHubSignInError(`GET /repos/${repository} answered ${repo.status}`);
  const repoBody = (await repo.json().catch(() => null)) as {
    full_name?: unknown;
    permissions?: { pull?: unknown };
  } | null;
  const sameRepo =
    typeof repoBody?.full_name === "string" &&
    repoBody.full_name.toLowerCase() === repository.toLowerCase();
  // permissions is present for user tokens; a repository that merely redirected (renamed) does not count.
  const allowed = sameRepo && repoBody?.permissions?.pull !== false;
  return { login: userBody.login, allowed };
}
