/** The cluster's HTTP API did not answer, or never became ready in time. */
export class ClusterUnreachableError extends Error {
  override readonly name = "ClusterUnreachableError";
  constructor(
    message: string,
    readonly apiUrl: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** An HTTP endpoint of the cluster answered something other than the contract's JSON. */
export class ClusterResponseError extends Error {
  override readonly name = "ClusterResponseError";
  constructor(
    message: string,
    readonly url: string,
    readonly status?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** A gRPC call failed; carries the method and target so the report can say which one. */
export class GrpcCallError extends Error {
  override readonly name = "GrpcCallError";
  constructor(
    message: string,
    readonly target: string,
    readonly method: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** A cluster start or stop command from the config failed. */
export class ClusterCommandError extends Error {
  override readonly name = "ClusterCommandError";
  constructor(
    message: string,
    readonly command: string,
    readonly exitCode: number | null,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Suite options that cannot work (a count of 0, a malformed address). */
export class SuiteOptionsError extends Error {
  override readonly name = "SuiteOptionsError";
}

export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return (typeof code === "string" || typeof code === "number") &&
      !err.message.includes(String(code))
      ? `${err.message} (${code})`
      : err.message;
  }
  return String(err);
}
