import { bareRepoPath, CheckoutInputError } from "./fetch-commit.js";
import { GitError, runGit, tokenHeaderConfig } from "./run-git.js";

export interface ResolveRefOptions {
  /** The clone cache's root; the bare repository must exist (fetchCommit made it). */
  cacheDir: string;
  /** owner/repo. */
  repository: string;
  cloneUrl: string;
  /** What a person wrote after `/benchmark --compare`: a branch, a tag or a commit SHA. */
  ref: string;
  token?: string;
  signal?: AbortSignal;
}

/** A `--compare` ref the repository does not have. */
export class RefNotFoundError extends Error {
  override readonly name = "RefNotFoundError";
}

const REF = /^[A-Za-z0-9_][A-Za-z0-9_./-]*$/;
const SHA = /^[0-9a-f]{7,40}$/;

/**
 * The commit a branch, tag or (abbreviated) SHA names in the repository, fetched into the cache's
 * bare repository. Branches and tags are read from the remote, not from what the cache holds, so a
 * moved branch or a new tag is seen. Throws CheckoutInputError for a ref that could be read as an
 * option, RefNotFoundError when no branch, tag or commit has the name.
 */
export async function resolveRef(o: ResolveRefOptions): Promise<string> {
  if (!REF.test(o.ref) || o.ref.includes("..") || o.ref.endsWith(".lock") || o.ref.endsWith("/"))
    throw new CheckoutInputError(
      `--compare ${JSON.stringify(o.ref)} is not a branch, tag or commit name`,
    );
  const bare = bareRepoPath(o.cacheDir, o.repository);
  const secretConfig = tokenHeaderConfig(o.token);
  const git = (args: string[]) =>
    runGit(["--git-dir", bare, ...args], {
      secretConfig,
      ...(o.signal ? { signal: o.signal } : {}),
    });
  // Only this name, as a branch and as a tag: a big repository's other refs are not fetched.
  const wanted = [
    `+refs/heads/${o.ref}:refs/mlxbench/compare/heads/${o.ref}`,
    `+refs/tags/${o.ref}:refs/mlxbench/compare/tags/${o.ref}`,
  ];
  for (const spec of wanted) await fetchIfThere(git, ["--", o.cloneUrl, spec]);
  const candidates = [
    `refs/mlxbench/compare/tags/${o.ref}`,
    `refs/mlxbench/compare/heads/${o.ref}`,
  ];
  if (SHA.test(o.ref)) {
    if (o.ref.length === 40) await fetchIfThere(git, ["--", o.cloneUrl, o.ref]);
    candidates.push(o.ref);
  }
  for (const name of candidates) {
    const sha = await git(["rev-parse", "--verify", "--quiet", `${name}^{commit}`]).then(
      (out) => out.trim(),
      () => "",
    );
    if (/^[0-9a-f]{40}$/.test(sha)) return sha;
  }
  throw new RefNotFoundError(
    `--compare ${o.ref}: no branch, tag or commit of ${o.repository} has that name`,
  );
}

/**
 * A fetch whose remote ref may not exist: "not there" is an answer, anything else (the network,
 * the token) is thrown, so an unreachable remote is never reported as a missing ref.
 */
async function fetchIfThere(
  git: (args: string[]) => Promise<string>,
  what: string[],
): Promise<void> {
  try {
    await git(["fetch", "--quiet", "--no-tags", ...what]);
  } catch (err) {
    const missing = /couldn't find remote ref|not our ref|no such remote ref|unadvertised object/i;
    if (err instanceof GitError && missing.test(err.stderr)) return;
    throw err;
  }
}
