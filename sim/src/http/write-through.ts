import type { ServerResponse } from "node:http";
import { nowMs } from "../engine/clock.js";

/**
 * When the kernel took a write's bytes: at some instant in [startedAt, endedAt]. `queued` says
 * the socket's send buffer was full (a peer not reading), so the bytes waited in this process
 * and endedAt is the write's callback.
 */
export interface WriteInstant {
  startedAt: number;
  endedAt: number;
  queued: boolean;
}

/**
 * Writes `data` to the response, hands its bytes to the kernel at once, and reports when.
 *
 * node:http corks the socket on a chunked write and uncorks it on the next tick, so when
 * res.write returns the bytes are still in this process; a loop writing one decode step to 64
 * streams would otherwise stamp every stream before any byte left. Uncorking at once makes
 * libuv write to the socket now. The instant is bracketed, not a point: the peer can read the
 * bytes during the write system call, and on a busy machine the kernel may run the woken reader
 * before this process gets back to read the clock, so endedAt alone can be later than the
 * peer's own receive stamp. Returns true when the kernel took the bytes during this call.
 */
export function writeThrough(
  res: ServerResponse,
  data: string,
  onWritten: (instant: WriteInstant) => void,
): boolean {
  const startedAt = nowMs();
  let reported = false;
  res.write(data, (error) => {
    if (reported || error) return;
    reported = true;
    onWritten({ startedAt, endedAt: nowMs(), queued: true });
  });
  const socket = res.socket;
  // the connection is gone and the bytes never leave, so no instant is reported
  if (socket === null || socket.destroyed) return false;
  // only node:http's own cork of this write; nothing else corks the sim's sockets
  if (socket.writableCorked > 0) socket.uncork();
  if (reported || socket.writableLength > 0) return false;
  reported = true;
  onWritten({ startedAt, endedAt: nowMs(), queued: false });
  return true;
}
