// The reader thread: sends the requests the main thread hands it, stamps every read of their
// bodies in undici's data callback, and posts the stamped reads of each burst (until a pause of
// 1 ms) in one message. Nothing else runs here, so the main thread's GC and parsing cannot delay a
// stamp.
import { readlinkSync } from "node:fs";
import { parentPort } from "node:worker_threads";
import { Agent } from "undici";
import { startEventLoopMonitor, type EventLoopMonitor } from "./client-calibration.js";
import { emptyNursery } from "./empty-nursery.js";
import { epochNow } from "./epoch-now.js";
import { observeGcPauses, type GcObserver } from "./observe-gc-pauses.js";
import { requestStamped } from "./request-stamped.js";
import {
  toWireError,
  type FromReader,
  type ReadBatch,
  type ToReader,
} from "./reader-thread-protocol.js";

const port = parentPort;
if (port === null) throw new Error("reader-thread-worker runs as a worker_thread");

// One pool, unlimited connections: a pool limit would cap the load's concurrency.
const agent = new Agent({ connections: null, pipelining: 1 });
const controllers = new Map<number, AbortController>();
let monitor: EventLoopMonitor | undefined;
let gc: GcObserver | undefined;

// The reads not yet handed over, appended in the data callback right after each stamp. The arrays
// are reused: postMessage copies them, so a hand-over leaves no garbage here but the one buffer it
// transfers.
const outbox = {
  ids: [] as number[],
  ats: [] as number[],
  chunks: [] as Buffer[],
  ends: [] as ReadBatch["ends"],
  errors: [] as ReadBatch["errors"],
};
const offsets: number[] = [];
/**
 * The timer that hands the held reads over (set while any are held), and when the oldest of them
 * was stamped.
 */
let quiet: NodeJS.Timeout | undefined;
let heldSince = 0;

/**
 * Reads are handed over once no read has come for HAND_OVER_QUIET_MS (a decode step's burst is
 * over), or after HAND_OVER_MAX_HOLD_MS of reads without a pause. Handed over every loop turn, a
 * burst of 64 streams cost one postMessage per turn inside the burst, and woke the main thread to
 * parse while the burst was still arriving: on a machine whose cores are busy, the main thread's
 * parsing and GC then ran when the next reads came. The main thread learns of a stream's end at
 * most this much later, which delays the next request of a closed loop, never a stamp.
 */
const HAND_OVER_QUIET_MS = 1;
const HAND_OVER_MAX_HOLD_MS = 5;

function post(message: FromReader, transfer?: ArrayBuffer[]): void {
  port?.postMessage(message, transfer);
}

function schedule(): void {
  const at = epochNow();
  if (quiet === undefined) {
    heldSince = at;
    quiet = setTimeout(flush, HAND_OVER_QUIET_MS);
  }
  // Past the longest hold the timer is left to run out: the reads go within a millisecond.
  else if (at - heldSince < HAND_OVER_MAX_HOLD_MS) quiet.refresh();
}

function flush(): void {
  quiet = undefined;
  let total = 0;
  for (const c of outbox.chunks) total += c.length;
  // A buffer of its own, so transferring it detaches nothing undici still uses.
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const c of outbox.chunks) {
    offsets.push(at);
    bytes.set(c, at);
    at += c.length;
  }
  offsets.push(at);
  const batch: ReadBatch = {
    type: "reads",
    ids: outbox.ids,
    ats: outbox.ats,
    offsets,
    bytes,
    ends: outbox.ends,
    errors: outbox.errors,
  };
  post(batch, [bytes.buffer]);
  outbox.ids.length = 0;
  outbox.ats.length = 0;
  outbox.chunks.length = 0;
  outbox.ends.length = 0;
  outbox.errors.length = 0;
  offsets.length = 0;
}

async function send(m: Extract<ToReader, { type: "request" }>): Promise<void> {
  const controller = new AbortController();
  controllers.set(m.id, controller);
  try {
    const res = await requestStamped(
      agent,
      {
        origin: m.origin,
        path: m.path,
        method: m.method,
        headers: m.headers,
        body: m.body,
        headersTimeout: m.headersTimeout,
        bodyTimeout: m.bodyTimeout,
        signal: controller.signal,
      },
      epochNow,
    );
    post({
      type: "headers",
      id: m.id,
      statusCode: res.statusCode,
      headers: res.headers,
      at: res.headersAt,
    });
    res.body.pipeTo({
      onRead(chunk, at) {
        outbox.ids.push(m.id);
        outbox.ats.push(at);
        outbox.chunks.push(chunk);
        schedule();
      },
      onEnd(at) {
        controllers.delete(m.id);
        outbox.ends.push({ id: m.id, at });
        schedule();
      },
      onError(error) {
        controllers.delete(m.id);
        outbox.errors.push({ id: m.id, error: toWireError(error) });
        schedule();
      },
    });
  } catch (err) {
    controllers.delete(m.id);
    post({ type: "failed", id: m.id, error: toWireError(err) });
  }
}

async function stopMonitors(): Promise<void> {
  const stats = monitor?.stop() ?? null;
  monitor = undefined;
  const gcPauses = (await gc?.stop()) ?? [];
  gc = undefined;
  post({ type: "lag", stats, gcPauses });
}

port.on("message", (m: ToReader) => {
  switch (m.type) {
    case "request":
      void send(m);
      return;
    case "abort":
      controllers.get(m.id)?.abort(new Error(m.message));
      controllers.delete(m.id);
      return;
    case "lag-start":
      // No stream is in flight between the warmup and the measured phase: a scavenge now pauses
      // no stamp, and leaves a whole semi-space for the measured phase (start-reader-worker.ts).
      emptyNursery();
      monitor?.stop();
      void gc?.stop();
      monitor = startEventLoopMonitor(m.resolutionMs);
      gc = observeGcPauses();
      post({ type: "lag-started" });
      return;
    case "lag-stop":
      void stopMonitors();
      return;
  }
});
const tid = linuxThreadId();
post(tid === undefined ? { type: "ready" } : { type: "ready", tid });

/** This thread's Linux thread id (`/proc/thread-self` → "<pid>/task/<tid>"); undefined elsewhere. */
function linuxThreadId(): number | undefined {
  try {
    const tid = Number(readlinkSync("/proc/thread-self").split("/").at(-1));
    return Number.isInteger(tid) && tid > 0 ? tid : undefined;
  } catch {
    return undefined;
  }
}
