import type { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { parseBenchmarkJob, type BenchmarkJob } from "@mlxbench/proto";
import { QueueUnavailableError } from "../errors.js";

export const JOB_NAME = "benchmark";

/**
 * Adds the job under its own id. BullMQ waits for a connection that is down instead of
 * failing, so a closed Redis is checked first and the add is bounded by `timeoutMs`.
 */
export async function enqueueJob(
  queue: Queue,
  redis: Redis,
  job: BenchmarkJob,
  timeoutMs: number,
): Promise<void> {
  const valid = parseBenchmarkJob(job);
  if (redis.status !== "ready") throw new QueueUnavailableError(`redis is ${redis.status}`);
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      queue.add(JOB_NAME, valid, {
        jobId: valid.jobId,
        removeOnComplete: { age: 7 * 24 * 3600, count: 5000 },
        removeOnFail: { age: 30 * 24 * 3600 },
      }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`queue.add took over ${timeoutMs} ms`)),
          timeoutMs,
        );
      }),
    ]);
  } catch (err) {
    throw new QueueUnavailableError(`could not enqueue job ${valid.jobId}`, { cause: err });
  } finally {
    clearTimeout(timer);
  }
}
