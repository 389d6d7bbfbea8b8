import type { Worker } from "node:worker_threads";
import { epochNow } from "./epoch-now.js";
import {
  StampedBody,
  type StampedRequestOptions,
  type StampedResponse,
} from "./request-stamped.js";
import {
  fromWireError,
  type FromReader,
  type ReadBatch,
  type ToReader,
} from "./reader-thread-protocol.js";
import type { GcPause } from "./observe-gc-pauses.js";
import { startReaderWorker } from "./start-reader-worker.js";
import type { Stats } from "./summarize.js";

/** The reader thread's event-loop lag and GC pauses over the measured phase. */
export interface StampThreadStats {
  lag: Stats | null;
  gcPauses: GcPause[];
}

/** The reader thread stopped (crashed or was closed) while a request still needed it. */
export class ReaderThreadError extends Error {
  override readonly name = "ReaderThreadError";
}

interface Pending {
  resolve(res: StampedResponse): void;
  reject(error: Error): void;
  body?: StampedBody;
  signal?: AbortSignal;
  onAbort?: () => void;
}

/**
 * A worker_thread that sends requests and stamps every read of their bodies (see
 * reader-thread-worker.ts); this thread gets the stamped reads a burst at a time and parses
 * them. The stamps are epoch ms on the reader thread's clock, which is this thread's clock.
 */
export class ReaderThread {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private lagWaiter: ((lag: StampThreadStats) => void) | undefined;
  private startWaiter: (() => void) | undefined;
  private stopped: Error | undefined;

  private constructor(
    private readonly worker: Worker,
    /** The thread's Linux thread id (for `taskset`), undefined where the OS does not tell. */
    readonly tid: number | undefined,
  ) {
    worker.on("message", (m: FromReader) => this.receive(m));
    worker.on("error", (err) =>
      this.stop(new ReaderThreadError("the reader thread failed", { cause: err })),
    );
    worker.on("exit", (code) =>
      this.stop(new ReaderThreadError(`the reader thread exited (code ${code})`)),
    );
  }

  /** Starts the thread and resolves once it is ready to send. */
  static start(): Promise<ReaderThread> {
    const worker = startReaderWorker(new URL("./reader-thread-entry.mjs", import.meta.url));
    return new Promise<ReaderThread>((resolve, reject) => {
      const onReady = (m: FromReader): void => {
        if (m.type !== "ready") return;
        worker.off("message", onReady);
        worker.off("error", reject);
        resolve(new ReaderThread(worker, m.tid));
      };
      worker.on("message", onReady);
      worker.once("error", reject);
    });
  }

  /** requestStamped, with the sending and the stamping on the reader thread. */
  request(opts: StampedRequestOptions): Promise<StampedResponse> {
    return new Promise<StampedResponse>((resolve, reject) => {
      if (this.stopped !== undefined) return reject(this.stopped);
      const { signal } = opts;
      if (signal?.aborted === true) return reject(abortReason(signal));
      const id = this.nextId++;
      const entry: Pending = { resolve, reject };
      if (signal !== undefined) {
        entry.signal = signal;
        entry.onAbort = () => {
          const reason = abortReason(signal);
          this.post({ type: "abort", id, message: reason.message });
          this.finish(id);
          if (entry.body === undefined) reject(reason);
          else entry.body.fail(reason);
        };
        signal.addEventListener("abort", entry.onAbort, { once: true });
      }
      this.pending.set(id, entry);
      this.post({ type: "request", id, ...withoutSignal(opts) });
    });
  }

  /**
   * Call between the warmup and the measured phase, with no request in flight: the thread empties
   * its young generation (so no scavenge pauses a stamp for its next ~20,000 reads) and starts
   * sampling its event-loop lag, how late a stamp could be. Resolves when both are done.
   */
  startLagMonitor(resolutionMs = 5): Promise<void> {
    if (this.stopped !== undefined) return Promise.resolve();
    return new Promise((resolve) => {
      this.startWaiter = resolve;
      this.post({ type: "lag-start", resolutionMs });
    });
  }

  /** Stops the lag monitor; with the thread's GC pauses since startLagMonitor. */
  stopLagMonitor(): Promise<StampThreadStats> {
    if (this.stopped !== undefined) return Promise.resolve({ lag: null, gcPauses: [] });
    return new Promise((resolve) => {
      this.lagWaiter = resolve;
      this.post({ type: "lag-stop" });
    });
  }

  async close(): Promise<void> {
    this.stop(new ReaderThreadError("the reader thread was closed"));
    await this.worker.terminate();
  }

  private post(message: ToReader): void {
    this.worker.postMessage(message);
  }

  private receive(m: FromReader): void {
    switch (m.type) {
      case "ready":
        return;
      case "lag-started":
        this.startWaiter?.();
        this.startWaiter = undefined;
        return;
      case "headers": {
        const entry = this.pending.get(m.id);
        if (entry === undefined) return; // aborted meanwhile
        const body = new StampedBody(epochNow, (reason) => {
          this.post({ type: "abort", id: m.id, message: reason.message });
          this.finish(m.id);
        });
        entry.body = body;
        entry.resolve({ statusCode: m.statusCode, headers: m.headers, headersAt: m.at, body });
        return;
      }
      case "failed": {
        const entry = this.pending.get(m.id);
        this.finish(m.id);
        entry?.reject(fromWireError(m.error));
        return;
      }
      case "reads":
        this.takeReads(m);
        return;
      case "lag":
        this.lagWaiter?.({ lag: m.stats, gcPauses: m.gcPauses });
        this.lagWaiter = undefined;
        return;
    }
  }

  private takeReads(m: ReadBatch): void {
    const buffer = Buffer.from(m.bytes.buffer, m.bytes.byteOffset, m.bytes.byteLength);
    for (let i = 0; i < m.ids.length; i++) {
      const body = this.pending.get(m.ids[i] ?? 0)?.body;
      const from = m.offsets[i] ?? 0;
      body?.takeAt(buffer.subarray(from, m.offsets[i + 1] ?? from), m.ats[i] ?? 0);
    }
    for (const { id, at } of m.ends) {
      this.pending.get(id)?.body?.endAt(at);
      this.finish(id);
    }
    for (const { id, error } of m.errors) {
      this.pending.get(id)?.body?.fail(fromWireError(error));
      this.finish(id);
    }
  }

  private finish(id: number): void {
    const entry = this.pending.get(id);
    if (entry === undefined) return;
    this.pending.delete(id);
    if (entry.onAbort !== undefined) entry.signal?.removeEventListener("abort", entry.onAbort);
  }

  private stop(reason: Error): void {
    if (this.stopped !== undefined) return;
    this.stopped = reason;
    for (const [id, entry] of [...this.pending]) {
      this.finish(id);
      if (entry.body === undefined) entry.reject(reason);
      else entry.body.fail(reason);
    }
    this.lagWaiter?.({ lag: null, gcPauses: [] });
    this.lagWaiter = undefined;
    this.startWaiter?.();
    this.startWaiter = undefined;
  }
}

function withoutSignal(opts: StampedRequestOptions): Omit<StampedRequestOptions, "signal"> {
  const { signal: _signal, ...rest } = opts;
  return rest;
}

function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new Error("the request was aborted");
}
