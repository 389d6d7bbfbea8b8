/** A failure another attempt may fix (network, a crashed suite process, GitHub down). */
export class TransientJobError extends Error {
  override readonly name: string = "TransientJobError";
}

/** A failure no retry fixes (a malformed job, GitHub refusing a request for good). */
export class PermanentJobError extends Error {
  override readonly name = "PermanentJobError";
}
