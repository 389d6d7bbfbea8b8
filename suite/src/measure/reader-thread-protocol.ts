import type { IncomingHttpHeaders } from "node:http";
import type { GcPause } from "./observe-gc-pauses.js";
import type { Stats } from "./summarize.js";
import type { StampedRequestOptions } from "./request-stamped.js";

/** What the main thread asks of the reader thread. */
export type ToReader =
  | ({ type: "request"; id: number } & Omit<StampedRequestOptions, "signal">)
  | { type: "abort"; id: number; message: string }
  | { type: "lag-start"; resolutionMs: number }
  | { type: "lag-stop" };

/** An error as it crosses the thread boundary: what classifyTransportError reads. */
export interface WireError {
  name: string;
  message: string;
  code?: string;
  causeMessage?: string;
}

/**
 * Every read stamped in one turn of the reader's event loop, for all requests, in one message:
 * `bytes` holds the reads back to back (its buffer is transferred), read i is
 * bytes[offsets[i], offsets[i + 1]) of request ids[i], stamped ats[i].
 */
export interface ReadBatch {
  type: "reads";
  ids: number[];
  ats: number[];
  offsets: number[];
  bytes: Uint8Array;
  /** Requests whose body ended in this turn, after their reads above, with the stamp of the end. */
  ends: { id: number; at: number }[];
  errors: { id: number; error: WireError }[];
}

/** What the reader thread tells the main thread. */
export type FromReader =
  /** `tid`: the thread's Linux thread id (for a caller that places threads on CPUs), else absent. */
  | { type: "ready"; tid?: number }
  /** The young generation was emptied and the lag monitor runs: the measured phase may begin. */
  | { type: "lag-started" }
  | { type: "headers"; id: number; statusCode: number; headers: IncomingHttpHeaders; at: number }
  | { type: "failed"; id: number; error: WireError }
  | ReadBatch
  /** The thread's event-loop lag and its GC pauses, between lag-start and lag-stop. */
  | { type: "lag"; stats: Stats | null; gcPauses: GcPause[] };

export function toWireError(err: unknown): WireError {
  if (!(err instanceof Error)) return { name: "Error", message: String(err) };
  const wire: WireError = { name: err.name, message: err.message };
  const code = findCode(err);
  if (code !== undefined) wire.code = code;
  if (err.cause instanceof Error && err.cause.message !== err.message)
    wire.causeMessage = err.cause.message;
  return wire;
}

/** Rebuilds an error on the main thread with the name, code and cause the classifier reads. */
export function fromWireError(wire: WireError): Error {
  const cause = wire.causeMessage === undefined ? undefined : new Error(wire.causeMessage);
  const err = new Error(wire.message, cause === undefined ? undefined : { cause });
  err.name = wire.name;
  if (wire.code !== undefined) Object.assign(err, { code: wire.code });
  return err;
}

function findCode(err: unknown): string | undefined {
  if (typeof err !== "object" || err === null) return undefined;
  const code = (err as { code?: unknown }).code;
  if (typeof code === "string") return code;
  const cause = (err as { cause?: unknown }).cause;
  return cause === undefined || cause === err ? undefined : findCode(cause);
}
