/** Time as the sim sees it, in milliseconds. Injected so the timing model can run on a virtual clock in tests. */
export interface Clock {
  /** Current time in ms. */
  now(): number;
  /** Resolves once `now()` has reached `at` (at once when it already has). */
  sleepUntil(at: number, signal?: AbortSignal): Promise<void>;
}

/** High-resolution wall clock: performance.timeOrigin + performance.now(), in ms since the Unix epoch. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

/** The real clock with real timers (setTimeout). */
export const systemClock: Clock = {
  now: nowMs,
  sleepUntil(at, signal) {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason as Error);
      const delay = at - nowMs();
      if (delay <= 0) return resolve();
      // setTimeout truncates to whole ms: round up so nothing happens before the model says it does;
      // callers schedule on absolute targets, so this sub-ms lateness never accumulates.
      const timer = setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, Math.ceil(delay));
      function onAbort(): void {
        clearTimeout(timer);
        reject(signal?.reason as Error);
      }
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  },
};

/**
 * A clock that only moves when the test drives it: `runUntilSettled(p)` advances to the earliest
 * pending timer whenever everything else is waiting, until `p` settles. Makes modelled timing exact.
 */
export interface VirtualClock extends Clock {
  runUntilSettled<T>(promise: Promise<T>): Promise<T>;
}

export function createVirtualClock(start = 0): VirtualClock {
  let now = start;
  const timers: { at: number; seq: number; resolve: () => void }[] = [];
  let seq = 0;
  return {
    now: () => now,
    sleepUntil(at, signal) {
      return new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason as Error);
        if (at <= now) return resolve();
        timers.push({ at, seq: seq++, resolve });
        timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      });
    },
    async runUntilSettled<T>(promise: Promise<T>): Promise<T> {
      let settled = false;
      const watched = promise.finally(() => {
        settled = true;
      });
      watched.catch(() => undefined);
      for (;;) {
        // let every microtask and I/O callback run before time moves
        await new Promise((r) => setImmediate(r));
        if (settled) return watched;
        const timer = timers.shift();
        if (!timer) {
          await new Promise((r) => setImmediate(r));
          if (settled) return watched;
          throw new Error("virtual clock: nothing left to run and the promise has not settled");
        }
        now = Math.max(now, timer.at);
        timer.resolve();
      }
    },
  };
}
