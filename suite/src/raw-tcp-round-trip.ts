import { connect, type Socket } from "node:net";

/** The raw TCP baseline could not be measured; a failure is never a number. */
export class RawRoundTripError extends Error {
  override readonly name = "RawRoundTripError";
}

const PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "latin1");
const FRAME_SETTINGS = 0x4;
const FRAME_PING = 0x6;
const FRAME_GOAWAY = 0x7;
const FLAG_ACK = 0x1;

function frame(type: number, flags: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(9);
  header.writeUIntBE(payload.length, 0, 3);
  header.writeUInt8(type, 3);
  header.writeUInt8(flags, 4);
  header.writeUInt32BE(0, 5);
  return Buffer.concat([header, payload]);
}

export interface RawRoundTrips {
  /** TCP connect (SYN → SYN-ACK) time. */
  connectMs: number;
  /** One HTTP/2 PING → PING ACK per iteration. */
  rttMs: number[];
}

/**
 * The network baseline for the gRPC overhead: round trips on a bare TCP socket to the same
 * HOST:PORT as the gRPC calls. A gRPC server speaks HTTP/2, so the smallest exchange it answers is
 * a PING frame (17 bytes each way), acknowledged by the transport without gRPC framing, protobuf or
 * a handler. Everything a unary call costs beyond this is the protocol's overhead.
 */
export async function measureRawRoundTrips(
  host: string,
  port: number,
  iterations: number,
  opts: { now: () => number; timeoutMs?: number },
): Promise<RawRoundTrips> {
  const session = await openRawPingSession(host, port, opts);
  try {
    const rttMs: number[] = [];
    for (let i = 0; i < iterations; i++) rttMs.push(await session.ping());
    return { connectMs: session.connectMs, rttMs };
  } finally {
    session.close();
  }
}

/** An open HTTP/2 connection on a bare socket, warmed, that times one PING at a time. */
export interface RawPingSession {
  /** TCP connect (SYN → SYN-ACK) time. */
  connectMs: number;
  /** One PING → PING ACK, ms. */
  ping(): Promise<number>;
  close(): void;
}

/**
 * Opens a bare socket to HOST:PORT, speaks the HTTP/2 preface and settings, and waits for a first
 * PING answer (the SETTINGS exchange), so each later ping() is one round trip: what the
 * measurement interleaves with gRPC calls, sample by sample.
 */
export async function openRawPingSession(
  host: string,
  port: number,
  opts: { now: () => number; timeoutMs?: number },
): Promise<RawPingSession> {
  const timeoutMs = opts.timeoutMs ?? 5000;
  const t0 = opts.now();
  const socket = await new Promise<Socket>((resolve, reject) => {
    const s = connect({ host, port, noDelay: true });
    const timer = setTimeout(() => {
      s.destroy();
      reject(
        new RawRoundTripError(`TCP connect to ${host}:${port} timed out after ${timeoutMs} ms`),
      );
    }, timeoutMs);
    s.once("connect", () => {
      clearTimeout(timer);
      resolve(s);
    });
    s.once("error", (err) => {
      clearTimeout(timer);
      reject(
        new RawRoundTripError(`TCP connect to ${host}:${port} failed: ${err.message}`, {
          cause: err,
        }),
      );
    });
  });
  const connectMs = opts.now() - t0;
  let buffered = Buffer.alloc(0);
  let waiter: { payload: Buffer; resolve: () => void; reject: (e: Error) => void } | null = null;
  let failure: Error | null = null;
  const fail = (err: Error): void => {
    failure ??= err;
    waiter?.reject(failure);
    waiter = null;
  };
  socket.on("error", (err) =>
    fail(new RawRoundTripError(`socket to ${host}:${port}: ${err.message}`, { cause: err })),
  );
  socket.on("close", () =>
    fail(new RawRoundTripError(`${host}:${port} closed the connection (not an HTTP/2 server?)`)),
  );
  socket.on("data", (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    while (buffered.length >= 9) {
      const length = buffered.readUIntBE(0, 3);
      if (buffered.length < 9 + length) break;
      const type = buffered.readUInt8(3);
      const flags = buffered.readUInt8(4);
      const payload = buffered.subarray(9, 9 + length);
      buffered = buffered.subarray(9 + length);
      if (type === FRAME_SETTINGS && (flags & FLAG_ACK) === 0)
        socket.write(frame(FRAME_SETTINGS, FLAG_ACK, Buffer.alloc(0)));
      else if (type === FRAME_GOAWAY) fail(new RawRoundTripError(`${host}:${port} sent GOAWAY`));
      else if (
        type === FRAME_PING &&
        (flags & FLAG_ACK) !== 0 &&
        waiter &&
        payload.equals(waiter.payload)
      ) {
        const w = waiter;
        waiter = null;
        w.resolve();
      }
    }
  });
  const close = (): void => {
    socket.removeAllListeners("close");
    socket.destroy();
  };
  let sequence = 0;
  const ping = (): Promise<number> =>
    new Promise<number>((resolve, reject) => {
      if (failure) return reject(failure);
      const payload = Buffer.alloc(8);
      payload.writeBigUInt64BE(BigInt(++sequence));
      const timer = setTimeout(
        () =>
          reject(
            new RawRoundTripError(
              `no PING answer from ${host}:${port} within ${timeoutMs} ms (not an HTTP/2 server?)`,
            ),
          ),
        timeoutMs,
      );
      const start = opts.now();
      waiter = {
        payload,
        resolve: () => {
          clearTimeout(timer);
          resolve(opts.now() - start);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      socket.write(frame(FRAME_PING, 0, payload));
    });
  try {
    socket.write(Buffer.concat([PREFACE, frame(FRAME_SETTINGS, 0, Buffer.alloc(0))]));
    await ping(); // warm-up: the first answer waits for the SETTINGS exchange
  } catch (err) {
    close();
    throw err;
  }
  return { connectMs, ping, close };
}

export type OverheadCategory = "LOW" | "MODERATE" | "HIGH" | "VERY_HIGH";

/** The contract's formula and categories: (gRPC − raw) / raw × 100; LOW < 10, MODERATE < 25, HIGH < 50. */
export function grpcOverhead(
  grpcRttMs: number,
  rawRttMs: number,
): { pct: number; category: OverheadCategory } {
  if (!(rawRttMs > 0) || !Number.isFinite(grpcRttMs)) {
    throw new RangeError(
      `overhead needs positive round trips, got gRPC ${grpcRttMs} ms and raw ${rawRttMs} ms`,
    );
  }
  const pct = ((grpcRttMs - rawRttMs) / rawRttMs) * 100;
  const category: OverheadCategory =
    pct < 10 ? "LOW" : pct < 25 ? "MODERATE" : pct < 50 ? "HIGH" : "VERY_HIGH";
  return { pct, category };
}

export function splitHostPort(target: string): { host: string; port: number } {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^\s/:[\]]+)):(\d{1,5})$/.exec(target);
  const host = m?.[1] ?? m?.[2];
  const port = m ? Number(m[3]) : NaN;
  if (!host || !(port > 0 && port < 65536))
    throw new RangeError(`${JSON.stringify(target)} is not HOST:PORT`);
  return { host, port };
}
