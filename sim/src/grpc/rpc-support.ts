import * as grpc from "@grpc/grpc-js";
import { TensorCodecError, type Init, type UnaryHandler } from "@mlxbench/proto";
import { isDeviceUp, type ClusterState, type SimDevice } from "../cluster-state.js";

/** An RPC failure with its gRPC status code. */
export class RpcError extends Error {
  override name = "RpcError";
  constructor(
    readonly code: grpc.status,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export function describeDown(device: SimDevice): string {
  return `device ${device.deviceId} (rank ${device.rank}) is down${device.shutDown ? " (shut down over gRPC)" : ""}`;
}

/** A down device answers nothing but UNAVAILABLE, as a stopped server's port would. */
export function checkDeviceUp(state: ClusterState, device: SimDevice): void {
  if (!isDeviceUp(state, device.rank))
    throw new RpcError(grpc.status.UNAVAILABLE, describeDown(device));
}

/** Malformed tensors become INVALID_ARGUMENT with the codec's message; anything unexpected INTERNAL. */
export function toServiceError(error: unknown): Partial<grpc.StatusObject> {
  if (error instanceof RpcError) return { code: error.code, details: error.message };
  if (error instanceof TensorCodecError)
    return { code: grpc.status.INVALID_ARGUMENT, details: error.message };
  return { code: grpc.status.INTERNAL, details: `sim error: ${(error as Error).message}` };
}

/** Aborted when the caller cancels, the deadline passes or the cluster stops. */
export function signalOf(
  state: ClusterState,
  call: grpc.ServerUnaryCall<unknown, unknown> | grpc.ServerWritableStream<unknown, unknown>,
): AbortSignal {
  const controller = new AbortController();
  call.once("cancelled", () =>
    controller.abort(new RpcError(grpc.status.CANCELLED, "call cancelled")),
  );
  return AbortSignal.any([controller.signal, state.stopSignal]);
}

/**
 * A unary handler from an async function: the device-down check first, then the function; its
 * rejection becomes the call's status, never an uncaught error.
 */
export function serveUnary<Req, Res>(
  state: ClusterState,
  device: SimDevice,
  fn: (request: Req, signal: AbortSignal) => Promise<Init<Res>> | Init<Res>,
): UnaryHandler<Req, Res> {
  return (call, callback) => {
    const run = async (): Promise<Init<Res>> => {
      checkDeviceUp(state, device);
      device.requestsProcessed += 1;
      const signal = signalOf(state, call);
      const delayMs = state.faults.grpcDelayMs;
      if (delayMs > 0) await sleepFor(state, delayMs, signal);
      return fn(call.request, signal);
    };
    run().then(
      (response) => callback(null, response),
      (error: unknown) => callback(toServiceError(error)),
    );
  };
}

/** Resolves after `ms` on the cluster's clock, or rejects when the signal aborts. */
export function sleepFor(state: ClusterState, ms: number, signal: AbortSignal): Promise<void> {
  return state.clock.sleepUntil(state.clock.now() + ms, signal);
}

/** Waits for `ready` to return a value, re-checking whenever `subscribe`'s callback fires. */
export function waitFor<T>(
  subscribe: (wake: () => void) => () => void,
  ready: () => T | undefined,
  signal: AbortSignal,
  timeoutMs?: number,
): Promise<T | undefined> {
  return new Promise<T | undefined>((resolve, reject) => {
    const now = ready();
    if (now !== undefined) return resolve(now);
    if (signal.aborted) return reject(signal.reason as Error);
    let timer: NodeJS.Timeout | undefined;
    const finish = (): void => {
      unsubscribe();
      signal.removeEventListener("abort", onAbort);
      if (timer) clearTimeout(timer);
    };
    const unsubscribe = subscribe(() => {
      const value = ready();
      if (value === undefined) return;
      finish();
      resolve(value);
    });
    function onAbort(): void {
      finish();
      reject(signal.reason as Error);
    }
    signal.addEventListener("abort", onAbort, { once: true });
    if (timeoutMs !== undefined) {
      timer = setTimeout(() => {
        finish();
        resolve(undefined);
      }, timeoutMs);
    }
  });
}
