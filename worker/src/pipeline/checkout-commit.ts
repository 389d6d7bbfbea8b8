import {
  CheckoutInputError,
  fetchCommit,
  RefNotFoundError,
  resolveRef,
  type Checkout,
} from "../checkout/index.js";
import { isPermanentGitHubError } from "../github/index.js";
import { messageOf, TransientJobError } from "./errors.js";
import type { JobRun } from "./job-run.js";

/** A refused installation token (the installation gone, no access): no retry gets another one. */
export class CloneTokenError extends Error {
  override readonly name = "CloneTokenError";
}

/** Step 1: the job's commit in a work tree of its own (a failed fetch is worth another attempt). */
export async function checkoutCommit(run: JobRun): Promise<Checkout> {
  const { job } = run;
  run.signal?.throwIfAborted();
  run.step(`fetching ${job.commit.sha.slice(0, 7)}`);
  return fetchInto(run, {
    sha: job.commit.sha,
    ...(job.commit.ref?.startsWith("refs/") ? { ref: job.commit.ref } : {}),
    ...(job.pullRequest?.baseSha ? { baseSha: job.pullRequest.baseSha } : {}),
    workName: job.jobId,
    label: "the commit",
  });
}

/** Another commit of the repository (a confirmation's merge-base) in a work tree of its own. */
export async function checkoutOther(run: JobRun, sha: string, workName: string): Promise<Checkout> {
  run.signal?.throwIfAborted();
  run.step(`fetching ${sha.slice(0, 7)}`);
  return fetchInto(run, { sha, workName, label: sha.slice(0, 7) });
}

/**
 * `/benchmark --compare REF`: the commit the job's ref names, which the baseline must be a run of.
 * A name the repository lacks (or that could be read as an option) concludes the run before any
 * cluster starts; an unreachable remote is worth another attempt.
 */
export async function resolveCompareRef(
  run: JobRun,
): Promise<{ commit: string; label: string } | undefined> {
  const label = run.job.suite.compareRef;
  if (label === undefined) return undefined;
  run.step(`resolving --compare ${label}`);
  const token = await cloneTokenFor(run);
  try {
    const commit = await resolveRef({
      cacheDir: run.deps.cloneCacheDir,
      repository: run.repo,
      cloneUrl: run.job.repository.cloneUrl,
      ref: label,
      ...(token ? { token } : {}),
      ...(run.signal ? { signal: run.signal } : {}),
    });
    return { commit, label };
  } catch (err) {
    if (run.signal?.aborted || err instanceof RefNotFoundError || err instanceof CheckoutInputError)
      throw err;
    throw new TransientJobError(`resolving --compare ${label} failed: ${messageOf(err)}`, {
      cause: err,
    });
  }
}

async function fetchInto(
  run: JobRun,
  what: { sha: string; ref?: string; baseSha?: string; workName: string; label: string },
): Promise<Checkout> {
  const { job, signal } = run;
  const { label, ...target } = what;
  const token = await cloneTokenFor(run);
  return fetchCommit({
    cacheDir: run.deps.cloneCacheDir,
    repository: run.repo,
    cloneUrl: job.repository.cloneUrl,
    ...target,
    ...(token ? { token } : {}),
    ...(signal ? { signal } : {}),
  }).catch((err: unknown) => {
    if (signal?.aborted) throw err;
    throw new TransientJobError(`fetching ${label} failed: ${messageOf(err)}`, { cause: err });
  });
}

/**
 * The token to clone a private repository. GitHub down or rate-limiting is worth another attempt;
 * a refusal is not. Either way the error keeps GitHub's answer as its cause.
 */
async function cloneTokenFor(run: JobRun): Promise<string | undefined> {
  try {
    return await run.deps.gitToken?.(run.job);
  } catch (err) {
    const why = `getting an installation token to clone ${run.repo} failed: ${messageOf(err)}`;
    if (isPermanentGitHubError(err)) throw new CloneTokenError(why, { cause: err });
    throw new TransientJobError(why, { cause: err });
  }
}
