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
import { attachPoolJobs, pullRequestRunsKey, type SupersededRun } from "../jobs/index.js";
import { describePool } from "./describe-pool.js";
import { readPoolsLastSeen, readRunners } from "./read-fleet.js";
import { registerPullJobs } from "./supersede-pools.js";

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
  /** How a pull request's run takes its place in its record (see PullTracking); default: a push now. */
  track?: { updatedAt: number; mode: "push" | "command" };
  /** The single queue's BullMQ key prefix, so older single-queue runs are superseded too. */
  queueKeyPrefix?: string;
  /**
   * Clears up after each older head's job this run supersedes (its removal and check run);
   * default: removeRetiredPoolJob.
   */
  onRetired?: (run: SupersededRun) => Promise<void>;
}

export type PoolJobOutcome =
  | { label: string; status: "queued"; jobId: string; priority: number; waitingForRunner: boolean }
  | { label: string; status: "unknown-label"; checkRunId: number | null }
  /** Not queued: a newer head is recorded ("stale"), or this commit already runs ("running"). */
  | { label: string; status: "stale" | "running"; detail: string };

const JOB_OPTIONS = {
  removeOnComplete: { age: 7 * 24 * 3600, count: 5000 },
  removeOnFail: { age: 30 * 24 * 3600 },
};

interface Planned {
  label: string;
  jobId: string;
  waiting?: { title: string; summary: string };
}

/**
 * One job and one check run (`mlxbench / <label>`) per pool the commit runs on. A label no runner
 * ever served gets a neutral check naming the labels that exist; a pool with no live runner gets
 * its job queued with a check saying it waits for one. A pull request's jobs are registered in its
 * one record first, which retires the older head's jobs in every pool before any check is created.
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
  const planned: Planned[] = [];
  for (const label of opts.labels) {
    const online = runners.filter((r) => r.labels.includes(label)).length;
    const pool = describePool(label, online, lastSeen, now);
    if (pool.kind === "unknown") {
      const check = await opts.octokit?.rest.checks.create({
        owner,
        repo: name,
        name: poolCheckName(opts.checkName, label),
        head_sha: opts.job.commit.sha,
        status: "completed",
        conclusion: "neutral",
        output: { title: pool.title, summary: pool.summary },
      });
      outcomes.push({ label, status: "unknown-label", checkRunId: check?.data.id ?? null });
      continue;
    }
    const jobId = `${opts.job.jobId}.${label}`;
    planned.push({ label, jobId, ...(pool.kind === "waiting" ? { waiting: pool } : {}) });
  }
  const pr = opts.job.pullRequest;
  const recordKey = pr && pullRequestRunsKey(opts.keyPrefix, repo, pr.number);
  if (pr && planned.length) {
    const registered = await registerPullJobs({
      redis: opts.redis,
      keyPrefix: opts.keyPrefix,
      repo,
      number: pr.number,
      sha: opts.job.commit.sha,
      jobs: planned.map((p) => ({ id: p.jobId, label: p.label })),
      jobKeyPrefixFor: (label) => opts.queueFor(label).toKey(""),
      updatedAt: opts.track?.updatedAt ?? now,
      trigger: opts.job.trigger,
      mode: opts.track?.mode ?? "push",
      queueKeyPrefix: opts.queueKeyPrefix ?? "",
      now,
    });
    if (registered.kind !== "started") {
      const detail = registered.kind === "stale" ? registered.headSha : registered.jobId;
      return [
        ...outcomes,
        ...planned.map((p) => ({ label: p.label, status: registered.kind, detail })),
      ];
    }
    await Promise.all(
      registered.superseded.map((run) =>
        opts.onRetired ? opts.onRetired(run) : removeRetiredPoolJob(opts, run, repo),
      ),
    );
  }
  const attached: Array<{ id: string; checkRunId?: number }> = [];
  for (const p of planned) {
    const check = await opts.octokit?.rest.checks.create({
      owner,
      repo: name,
      name: poolCheckName(opts.checkName, p.label),
      head_sha: opts.job.commit.sha,
      status: "queued",
      external_id: p.jobId,
      ...(p.waiting ? { output: { title: p.waiting.title, summary: p.waiting.summary } } : {}),
    });
    const data = parseBenchmarkJob({
      ...opts.job,
      jobId: p.jobId,
      pool: p.label,
      ...(check ? { checkRunId: check.data.id } : {}),
    });
    const queued = await opts.redis.hincrby(fairTagKey(opts.keyPrefix, p.label), repo, 1);
    const priority = jobPriority(opts.origin, queued - 1);
    await opts.queueFor(p.label).add("benchmark", data, {
      ...JOB_OPTIONS,
      jobId: p.jobId,
      ...(opts.prioritize === false ? {} : { priority }),
    });
    attached.push({ id: p.jobId, ...(check ? { checkRunId: check.data.id } : {}) });
    outcomes.push({
      label: p.label,
      status: "queued",
      jobId: p.jobId,
      priority,
      waitingForRunner: p.waiting !== undefined,
    });
  }
  if (recordKey && attached.length) await attachPoolJobs(opts.redis, recordKey, attached);
  return outcomes;
}

/**
 * A waiting retired pool job is removed (its fair tag given back): "removed"; an active one stops
 * on its cancel key: "signalled". A single-queue run (no pool) is left to its own queue.
 */
export async function removeRetiredPoolJob(
  opts: Pick<EnqueuePoolJobsOptions, "redis" | "keyPrefix" | "queueFor">,
  run: SupersededRun,
  repo: string,
): Promise<"removed" | "signalled"> {
  if (run.pool === undefined) return "signalled";
  const queue = opts.queueFor(run.pool);
  const job = await queue.getJob(run.jobId);
  if (!job) return "signalled";
  // Only a job still queued is removed here; a running one stops on its cancel key.
  if (!["waiting", "prioritized", "delayed"].includes(await job.getState())) return "signalled";
  if ((await queue.remove(run.jobId)) !== 1) return "signalled";
  await opts.redis.hincrby(fairTagKey(opts.keyPrefix, run.pool), repo, -1);
  return "removed";
}
