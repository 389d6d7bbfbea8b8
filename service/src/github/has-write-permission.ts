import { GitHubUnavailableError, InstallationNotFoundError } from "../errors.js";
import type { GitHubClient } from "./create-github-client-factory.js";
import { isInstallationGone } from "./is-installation-gone.js";

const WRITERS = new Set(["admin", "maintain", "write"]);

/**
 * Asks GitHub whether `username` may write to the repository. author_association is not asked:
 * it is computed without a viewer, so a private org member can look like a CONTRIBUTOR.
 */
export async function hasWritePermission(
  github: GitHubClient,
  installationId: number,
  owner: string,
  repo: string,
  username: string,
  signal?: AbortSignal,
): Promise<boolean> {
  try {
    const { data } = await github.rest.repos.getCollaboratorPermissionLevel({
      owner,
      repo,
      username,
      ...(signal === undefined ? {} : { request: { signal } }),
    });
    // role_name says "maintain"; the legacy `permission` folds it into "write".
    return WRITERS.has(data.role_name) || WRITERS.has(data.permission);
  } catch (err) {
    if (isInstallationGone(err))
      throw new InstallationNotFoundError(installationId, { cause: err });
    if ((err as { status?: unknown }).status === 404) return false;
    throw new GitHubUnavailableError(
      `could not read ${username}'s permission on ${owner}/${repo}`,
      { cause: err },
    );
  }
}
