import type { Queue } from "bullmq";
import type { Redis } from "ioredis";
import type { Octokit } from "@octokit/rest";
import {
  fairTagKey,
  jobPriority,
  parseBenchmarkJob,
  poolCheckName,
  type BenchmarkJob,
  type JobOrigin,
} from "@mlxbench/proto";
import { describePool } from "./describe-pool.js";
import { readPoolsLastSeen, readRunners } from "./read-fleet.js";
import { registerPullJobs, type PoolJobRef } from "./supersede-pools.js";

export interface EnqueuePoolJobsOptions {
  redis: Redis;
  keyPrefix: string;
  queueFor: (label: string) => Queue;
  /** The installation's Octokit; null: no check runs (dry run, benchmarks). */
  octokit: Octokit | null;
  checkName: string;
  /** The job as for one queue; each pool's copy gets `<jobId>.<label>`, its pool and check run. */
  job: BenchmarkJob;
  labels: string[];
  origin: JobOrigin;
  now: () => number;
  /** False: plain first-come-first-served (no priorities), the bench's reference. */
  prioritize?: boolean;
}

export type PoolJobOutcome =
  | { label: string; status: "queued"; jobId: string; priority: number; waitingForRunner: boolean }
  | { label: string; status: "unknown-label"; checkRunId: number | null };

const JOB_OPTIONS = {
  removeOnComplete: { age: 7 * 24 * 3600, count: 5000 },
  removeOnFail: { age: 30 * 24 * 3600 },
};

/**
 * One job and one check run (`mlxbench / <label>`) per pool the commit runs on. A label no runner
 * ever served gets a neutral check naming the labels that exist; a pool with no live runner gets
 * its job queued with a check saying it waits for one. A pull request's newer push retires the
 * older head's jobs in every pool.
 */
export async function enqueuePoolJobs(opts: EnqueuePoolJobsOptions): Promise<PoolJobOutcome[]> {
  const [runners, lastSeen] = await Promise.all([
    readRunners(opts.redis, opts.keyPrefix),
    readPoolsLastSeen(opts.redis, opts.keyPrefix),
  ]);
  const now = opts.now();
  const repo = opts.job.repository.fullName;
  const [owner = "", name = ""] = repo.split("/");
  const outcomes: PoolJobOutcome[] = [];
  const planned: Array<{ label: string; data: BenchmarkJob; waiting: boolean }> = [];
  for (const label of opts.labels) {
    const online = runners.filter((r) => r.labels.includes(label)).length;
    const pool = describePool(label, online, lastSeen, now);
    const checkName = poolCheckName(opts.checkName, label);
    if (pool.kind === "unknown") {
      const check = await opts.octokit?.rest.checks.create({
        owner,
        repo: name,
        name: checkName,
        head_sha: opts.job.commit.sha,
        status: "completed",
        conclusion: "neutral",
        output: { title: pool.title, summary: pool.summary },
      });
      outcomes.push({ label, status: "unknown-label", checkRunId: check?.data.id ?? null });
      continue;
    }
    const check = await opts.octokit?.rest.checks.create({
      owner,
      repo: name,
      name: checkName,
      head_sha: opts.job.commit.sha,
      status: "queued",
      external_id: `${opts.job.jobId}.${label}`,
      ...(pool.kind === "waiting" ? { output: { title: pool.title, summary: pool.summary } } : {}),
    });
    const data = parseBenchmarkJob({
      ...opts.job,
      jobId: `${opts.job.jobId}.${label}`,
      pool: label,
      ...(check ? { checkRunId: check.data.id } : {}),
    });
    planned.push({ label, data, waiting: pool.kind === "waiting" });
  }
  if (opts.job.pullRequest && planned.length) {
    const retired = await registerPullJobs({
      redis: opts.redis,
      keyPrefix: opts.keyPrefix,
      repo,
      number: opts.job.pullRequest.number,
      sha: opts.job.commit.sha,
      jobs: planned.map((p): PoolJobRef => ({ id: p.data.jobId, label: p.label })),
    });
    await Promise.all(retired.map((r) => removeRetired(opts, r, repo)));
  }
  for (const p of planned) {
    const queued = await opts.redis.hincrby(fairTagKey(opts.keyPrefix, p.label), repo, 1);
    const priority = jobPriority(opts.origin, queued - 1);
    await opts.queueFor(p.label).add("benchmark", p.data, {
      ...JOB_OPTIONS,
      jobId: p.data.jobId,
      ...(opts.prioritize === false ? {} : { priority }),
    });
    outcomes.push({
      label: p.label,
      status: "queued",
      jobId: p.data.jobId,
      priority,
      waitingForRunner: p.waiting,
    });
  }
  return outcomes;
}

/** A waiting retired job is removed (its fair tag given back); an active one sees its cancel key. */
async function removeRetired(
  opts: EnqueuePoolJobsOptions,
  ref: PoolJobRef,
  repo: string,
): Promise<void> {
  const queue = opts.queueFor(ref.label);
  const job = await queue.getJob(ref.id);
  if (!job) return;
  // Only a job still queued is removed here; a running one stops on its cancel key.
  if (!["waiting", "prioritized", "delayed"].includes(await job.getState())) return;
  if ((await queue.remove(ref.id)) === 1) {
    await opts.redis.hincrby(fairTagKey(opts.keyPrefix, ref.label), repo, -1);
  }
}
