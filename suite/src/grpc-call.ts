import { connectivityState, status as GrpcStatus } from "@grpc/grpc-js";
import type { Client, ServiceError } from "@grpc/grpc-js";
import { callUnary } from "@mlxbench/proto";
import type { Init, UnaryMethod } from "@mlxbench/proto";
import { GrpcCallError } from "./errors.js";

export function isServiceError(err: unknown): err is ServiceError {
  return (
    err instanceof Error && typeof (err as { code?: unknown }).code === "number" && "details" in err
  );
}

export function grpcStatusName(code: number): string {
  return (GrpcStatus as unknown as Record<number, string>)[code] ?? `code ${code}`;
}

/** True when the server answered that it does not implement the method: reachable, capability absent. */
export function isUnimplemented(err: unknown): boolean {
  const cause = err instanceof GrpcCallError ? err.cause : err;
  return isServiceError(cause) && cause.code === GrpcStatus.UNIMPLEMENTED;
}

/**
 * A unary call that rejects with GrpcCallError naming target, method and gRPC status. There is no
 * fallback value: a failed call must never become a number.
 */
export async function callGrpc<Req, Res>(
  client: Client,
  target: string,
  methodName: string,
  method: UnaryMethod<Req, Res>,
  request: Init<Req>,
  timeoutMs: number,
): Promise<Res> {
  try {
    return await callUnary(client, method, request, { timeoutMs });
  } catch (err) {
    const detail = isServiceError(err)
      ? `${grpcStatusName(err.code)}: ${err.details}`
      : String(err);
    throw new GrpcCallError(`${methodName} on ${target} failed (${detail})`, target, methodName, {
      cause: err,
    });
  }
}

/**
 * Resolves when the channel is connected. Rejects with GrpcCallError as soon as the connection
 * attempt fails (refused, unknown host) instead of retrying until the deadline.
 */
export function waitForChannel(client: Client, target: string, timeoutMs: number): Promise<void> {
  const channel = client.getChannel();
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const check = (): void => {
      const state = channel.getConnectivityState(true);
      if (state === connectivityState.READY) return resolve();
      if (state === connectivityState.TRANSIENT_FAILURE || state === connectivityState.SHUTDOWN) {
        return reject(
          new GrpcCallError(
            `cannot connect to gRPC server ${target} (${connectivityState[state]})`,
            target,
            "connect",
          ),
        );
      }
      if (Date.now() >= deadline) {
        return reject(
          new GrpcCallError(
            `no gRPC channel to ${target} within ${timeoutMs} ms`,
            target,
            "connect",
          ),
        );
      }
      channel.watchConnectivityState(state, deadline, () => check());
    };
    check();
  });
}
