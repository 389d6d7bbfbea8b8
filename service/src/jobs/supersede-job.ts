import type { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { jobCancelKey } from "@mlxbench/proto";

export type SupersedeOutcome = "removed" | "signalled" | "gone";

const CANCEL_TTL_SECONDS = 24 * 3600;

/**
 * Stops a job a newer push made pointless: a waiting job is removed; an active one (which only
 * its own worker could cancel) gets a cancel key the worker watches.
 */
export async function supersedeJob(
  queue: Queue,
  redis: Redis,
  keyPrefix: string,
  jobId: string,
  reason: string,
): Promise<SupersedeOutcome> {
  const job = await queue.getJob(jobId);
  if (!job) return "gone";
  const state = await job.getState();
  if (state === "completed" || state === "failed" || state === "unknown") return "gone";
  if (state !== "active") {
    try {
      await job.remove();
      return "removed";
    } catch {
      // Picked up between getState and remove: fall through and signal it.
    }
  }
  await redis.set(jobCancelKey(jobId, keyPrefix), reason, "EX", CANCEL_TTL_SECONDS);
  return "signalled";
}
