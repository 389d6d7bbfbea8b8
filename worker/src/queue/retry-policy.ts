import { UnrecoverableError, type Job, type JobsOptions } from "bullmq";
import { messageOf } from "../pipeline/index.js";

/** How often BullMQ runs a job whose failure is worth another attempt, and how long it waits. */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** First delay of the exponential backoff: `backoffMs · 2^(n-1)` before attempt n + 1. */
  backoffMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { attempts: 3, backoffMs: 30_000 };

/** The policy of a worker's options, defaults filled in. */
export function retryPolicyOf(o: { maxAttempts?: number; backoffMs?: number }): RetryPolicy {
  return {
    attempts: o.maxAttempts ?? DEFAULT_RETRY_POLICY.attempts,
    backoffMs: o.backoffMs ?? DEFAULT_RETRY_POLICY.backoffMs,
  };
}

/** The job options a producer of benchmark jobs should set, so the stored job carries its retries. */
export function benchmarkJobRetryOptions(
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
): Pick<JobsOptions, "attempts" | "backoff"> {
  return { attempts: policy.attempts, backoff: { type: "exponential", delay: policy.backoffMs } };
}

/**
 * Sets the policy's attempts and backoff on a job taken from the queue, where the job's own allow
 * fewer (a producer that set none): BullMQ reads them from the job when the processor throws, and
 * retries with that backoff. Returns the job's attempts in all.
 */
export function applyRetryOptions(job: Pick<Job, "opts">, policy: RetryPolicy): number {
  const attempts = Math.max(job.opts.attempts ?? 0, policy.attempts);
  job.opts.attempts = attempts;
  job.opts.backoff ??= { type: "exponential", delay: policy.backoffMs };
  return attempts;
}

/** BullMQ's signal to fail a job without another attempt, keeping what went wrong as its cause. */
export function unrecoverable(err: unknown): UnrecoverableError {
  const e = new UnrecoverableError(messageOf(err));
  // UnrecoverableError's constructor takes no options: the cause is set as ErrorOptions would.
  Object.defineProperty(e, "cause", { value: err, configurable: true, writable: true });
  return e;
}
