import type { Queue } from "bullmq";

export type SupersedeOutcome = "removed" | "signalled";

/**
 * Removes jobs a newer push made pointless. Their cancel keys are already set (atomically with
 * the pull request record), so a job that is active, or not yet queued by its own delivery, is
 * stopped by the worker or removes itself; this only spares the queue the waiting ones.
 */
export async function removeSupersededJob(queue: Queue, jobId: string): Promise<SupersedeOutcome> {
  // BullMQ's remove answers 0 for a locked (active) job and 1 otherwise, also for a missing one.
  return (await queue.remove(jobId)) === 1 ? "removed" : "signalled";
}
