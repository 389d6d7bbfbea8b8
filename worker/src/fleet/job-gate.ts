import { DelayedError, type Job } from "bullmq";

/** One job at a time on a runner, across the queues of all its labels. */
export interface JobGate {
  tryEnter(jobId: string, label: string): boolean;
  leave(jobId: string): void;
  readonly current: { jobId: string; label: string } | null;
}

export function createJobGate(
  hooks: {
    onEnter?: (jobId: string, label: string) => void;
    onLeave?: (jobId: string) => void;
  } = {},
): JobGate {
  let current: { jobId: string; label: string } | null = null;
  return {
    get current() {
      return current;
    },
    tryEnter(jobId, label) {
      if (current !== null) return false;
      current = { jobId, label };
      hooks.onEnter?.(jobId, label);
      return true;
    },
    leave(jobId) {
      if (current?.jobId !== jobId) return;
      current = null;
      hooks.onLeave?.(jobId);
    },
  };
}

/** Back-off of a job another label's worker fetched while this runner was busy. */
export const GATE_RETRY_MS = 250;

/**
 * Runs `body` if the runner is free; otherwise hands the job back to its pool's queue at once,
 * without spending an attempt, for another runner (or this one, later) to take.
 */
export async function runGated<R>(
  gate: JobGate,
  job: Job,
  token: string | undefined,
  label: string,
  body: () => Promise<R>,
): Promise<R> {
  const jobId = job.id ?? "";
  if (!gate.tryEnter(jobId, label)) {
    await job.moveToDelayed(Date.now() + GATE_RETRY_MS, token);
    throw new DelayedError();
  }
  try {
    return await body();
  } finally {
    gate.leave(jobId);
  }
}
