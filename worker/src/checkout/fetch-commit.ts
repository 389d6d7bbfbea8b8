import { mkdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { GitError, runGit, tokenHeaderConfig } from "./run-git.js";

export interface FetchCommitOptions {
  /** Root of the clone cache: one bare repository per repository, worktrees per job. */
  cacheDir: string;
  /** owner/repo: the bare repository's name in the cache. */
  repository: string;
  cloneUrl: string;
  sha: string;
  /** Fetched as well when the server does not serve a bare SHA (e.g. refs/pull/7/head). */
  ref?: string;
  /** Also fetched (best effort), for the merge-base. */
  baseSha?: string;
  /** The checkout's directory name under `cacheDir/work/`. */
  workName: string;
  /** An installation token for private repositories: sent as an HTTP header, never in the URL, the command line or the cache's config. */
  token?: string;
  signal?: AbortSignal;
}

export interface Checkout {
  dir: string;
  sha: string;
  /** Merge-base of `sha` with `baseSha`, when both are known. */
  mergeBase?: string;
  /** Removes the worktree (the bare repository stays cached). */
  remove(): Promise<void>;
}

const SHA = /^[0-9a-f]{40}$/;
const NAME = /^[A-Za-z0-9_.-]+$/;

/** A checkout argument that could be read as a git option or escape the cache. */
export class CheckoutInputError extends Error {
  override readonly name = "CheckoutInputError";
}

function checkInputs(o: FetchCommitOptions): void {
  if (!SHA.test(o.sha))
    throw new CheckoutInputError(`commit ${JSON.stringify(o.sha)} is not a 40-character hex SHA`);
  if (o.baseSha !== undefined && !SHA.test(o.baseSha))
    throw new CheckoutInputError(
      `base commit ${JSON.stringify(o.baseSha)} is not a 40-character hex SHA`,
    );
  if (o.cloneUrl.startsWith("-") || /[\s\0]/.test(o.cloneUrl))
    throw new CheckoutInputError(`clone URL ${JSON.stringify(o.cloneUrl)} is not a URL`);
  if (o.ref !== undefined && (!/^refs\/[A-Za-z0-9_./-]+$/.test(o.ref) || o.ref.includes("..")))
    throw new CheckoutInputError(`ref ${JSON.stringify(o.ref)} is not a plain refs/… name`);
  const parts = o.repository.split("/");
  if (parts.length !== 2 || !parts.every((p) => NAME.test(p) && p !== "." && p !== ".."))
    throw new CheckoutInputError(`repository ${JSON.stringify(o.repository)} must be owner/repo`);
  if (!NAME.test(o.workName) || o.workName === "." || o.workName === "..")
    throw new CheckoutInputError(
      `work name ${JSON.stringify(o.workName)} may only hold letters, digits, '_', '.', '-'`,
    );
}

/** The clone cache's bare repository of `repository` (owner/repo). */
export function bareRepoPath(cacheDir: string, repository: string): string {
  return join(cacheDir, "repos", `${repository.replace("/", "__")}.git`);
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Fetches one commit into the cache's bare repository (only what is missing) and checks it out
 * as a detached worktree of its own.
 */
export async function fetchCommit(o: FetchCommitOptions): Promise<Checkout> {
  checkInputs(o);
  const bare = bareRepoPath(o.cacheDir, o.repository);
  const dir = join(o.cacheDir, "work", o.workName);
  const signal = o.signal ? { signal: o.signal } : {};
  // The token goes in git's environment, not on its command line, where `ps` would show it.
  const secretConfig = tokenHeaderConfig(o.token);
  const git = (args: string[], cwd?: string) =>
    runGit(args, { ...signal, secretConfig, ...(cwd ? { cwd } : {}) });

  if (!(await exists(join(bare, "HEAD")))) {
    await mkdir(bare, { recursive: true });
    await git(["init", "--bare", "--quiet", bare]);
  }
  const has = async (sha: string): Promise<boolean> =>
    git(["--git-dir", bare, "cat-file", "-e", `${sha}^{commit}`]).then(
      () => true,
      () => false,
    );
  const fetch = (what: string[]) =>
    git(["--git-dir", bare, "fetch", "--quiet", "--no-tags", "--", o.cloneUrl, ...what]);

  if (!(await has(o.sha))) {
    try {
      await fetch([o.sha]);
    } catch (err) {
      // Some servers refuse a bare SHA: fetch the ref and the branches, which contain it.
      try {
        await fetch([
          ...(o.ref ? [`+${o.ref}:refs/mlxbench/fetched`] : []),
          "+refs/heads/*:refs/remotes/origin/*",
        ]);
      } catch {
        throw err;
      }
      if (!(await has(o.sha)))
        throw new GitError(`commit ${o.sha} is not in ${o.cloneUrl}`, ["fetch"], "", {
          cause: err,
        });
    }
  }
  let mergeBase: string | undefined;
  if (o.baseSha !== undefined) {
    try {
      if (!(await has(o.baseSha))) await fetch([o.baseSha]);
      mergeBase =
        (await git(["--git-dir", bare, "merge-base", o.sha, o.baseSha])).trim() || undefined;
    } catch {
      // The merge-base only sharpens the baseline choice; without it the latest earlier run is used.
    }
  }
  await rm(dir, { recursive: true, force: true });
  await git(["--git-dir", bare, "worktree", "prune"]);
  await mkdir(join(o.cacheDir, "work"), { recursive: true });
  await git(["--git-dir", bare, "worktree", "add", "--detach", "--force", "--quiet", dir, o.sha]);
  return {
    dir,
    sha: o.sha,
    ...(mergeBase ? { mergeBase } : {}),
    async remove() {
      await rm(dir, { recursive: true, force: true });
      await runGit(["--git-dir", bare, "worktree", "prune"]).catch(() => undefined);
    },
  };
}
