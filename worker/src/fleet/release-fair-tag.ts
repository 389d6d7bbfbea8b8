import type { Job, Worker } from "bullmq";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { fairTagKey } from "@mlxbench/proto";

interface PoolJobData {
  pool?: string;
  repository?: { fullName?: string };
}

/** A job that left its pool for good (done, or failed past its attempts) gives its fair tag back. */
export function releaseFairTagOnFinish(
  worker: Worker,
  redis: Redis,
  keyPrefix: string,
  logger: Logger,
): void {
  const release = (job: Job | undefined): void => {
    const data = job?.data as PoolJobData | undefined;
    const repo = data?.repository?.fullName;
    if (!data?.pool || !repo) return;
    redis
      .hincrby(fairTagKey(keyPrefix, data.pool), repo, -1)
      .catch((err: unknown) => logger.warn({ err }, "fair tag not released"));
  };
  worker.on("completed", (job) => release(job));
  worker.on("failed", (job, err) => {
    if (!job) return;
    const attempts = job.opts.attempts ?? 1;
    if (err.name === "UnrecoverableError" || job.attemptsMade >= attempts) release(job);
  });
}
