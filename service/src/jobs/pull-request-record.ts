import type { Redis } from "ioredis";

/** The latest job of a pull request, so a newer push can supersede it. */
export interface PullRequestRecord {
  jobId: string;
  sha: string;
  /** pull_request.updated_at of the delivery that made the job: GitHub does not guarantee order. */
  updatedAt: string;
  checkRunId?: number;
}

const RECORD_TTL_SECONDS = 30 * 24 * 3600;

const recordKey = (prefix: string, repo: string, pr: number) => `${prefix}pr:${repo}#${pr}`;

export async function readPullRequestRecord(
  redis: Redis,
  prefix: string,
  repo: string,
  pr: number,
): Promise<PullRequestRecord | undefined> {
  const raw = await redis.get(recordKey(prefix, repo, pr));
  return raw === null ? undefined : (JSON.parse(raw) as PullRequestRecord);
}

export async function writePullRequestRecord(
  redis: Redis,
  prefix: string,
  repo: string,
  pr: number,
  record: PullRequestRecord,
): Promise<void> {
  await redis.set(recordKey(prefix, repo, pr), JSON.stringify(record), "EX", RECORD_TTL_SECONDS);
}
