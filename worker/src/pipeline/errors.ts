/** A failure another attempt may fix (network, a crashed suite process, GitHub down). */
export class TransientJobError extends Error {
  override readonly name: string = "TransientJobError";
}

/** A failure no retry fixes (a malformed job, GitHub refusing a request for good). */
export class PermanentJobError extends Error {
  override readonly name = "PermanentJobError";
}

/** Raised into a running job when the worker shuts down: the job goes back to the queue. */
export class WorkerShutdownError extends TransientJobError {
  override readonly name = "WorkerShutdownError";
}

/** An error's message, or what was thrown when it is no Error. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
