import { UnrecoverableError } from "bullmq";
import { PermanentJobError, TransientJobError, WorkerShutdownError } from "./errors.js";

/**
 * What a failure means for the job: `retry` (BullMQ's attempts and backoff run it again; a
 * shutdown requeues it without spending an attempt), `conclude` (the check run gets the failure
 * and the job ends), `fatal` (no attempt can fix it: the job fails at once).
 */
export type FailureAction = "retry" | "conclude" | "fatal";

export interface FailureContext {
  /** No attempt is left after this one: what would be retried is concluded instead. */
  lastAttempt: boolean;
}

/** The one retry policy of the worker (see worker/README.md for the table). */
export function classifyFailure(failure: unknown, ctx: FailureContext): FailureAction {
  // A shutdown is no failure of the job: it is requeued, and the requeue costs no attempt.
  if (failure instanceof WorkerShutdownError) return "retry";
  if (failure instanceof PermanentJobError || failure instanceof UnrecoverableError) return "fatal";
  if (failure instanceof TransientJobError) return ctx.lastAttempt ? "conclude" : "retry";
  return "conclude";
}
