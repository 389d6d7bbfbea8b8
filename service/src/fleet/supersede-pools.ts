import type { Redis } from "ioredis";
import { jobCancelKey } from "@mlxbench/proto";
import { pullRequestRunsKey, registerPullRequestRun, type RegisterResult } from "../jobs/index.js";

export interface PoolJobRef {
  id: string;
  label: string;
}

/**
 * Registers a run's pool jobs in its pull request's one record (service/src/jobs/pull-request-runs.ts,
 * the record single-queue runs use too) and, in the same script, supersedes every live job of an
 * older head in every pool and queue: their cancel keys are set and they are returned for removal.
 * Two pushes racing therefore retire each older job exactly once.
 */
export async function registerPullJobs(opts: {
  redis: Redis;
  keyPrefix: string;
  repo: string;
  number: number;
  sha: string;
  jobs: PoolJobRef[];
  /** Each pool's BullMQ key prefix, queueFor(label).toKey(""). */
  jobKeyPrefixFor: (label: string) => string;
  /** pull_request.updated_at (ms) of the state this run is for. */
  updatedAt: number;
  trigger: string;
  mode: "push" | "command";
  /** The single queue's key prefix, for runs queued there (no pools). */
  queueKeyPrefix: string;
  now: number;
}): Promise<RegisterResult> {
  return registerPullRequestRun(opts.redis, {
    key: pullRequestRunsKey(opts.keyPrefix, opts.repo, opts.number),
    sha: opts.sha,
    updatedAt: opts.updatedAt,
    trigger: opts.trigger,
    mode: opts.mode,
    now: opts.now,
    jobKeyPrefix: opts.queueKeyPrefix,
    cancelKeyPrefix: jobCancelKey("", opts.keyPrefix),
    cancelNote: `Superseded by a newer push (${opts.sha.slice(0, 7)}).`,
    poolJobs: opts.jobs.map((j) => ({
      id: j.id,
      pool: j.label,
      jobKeyPrefix: opts.jobKeyPrefixFor(j.label),
    })),
  });
}
