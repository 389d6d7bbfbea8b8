import type { HealthState } from "./classify-health.js";
import type { Clock } from "./deps.js";
import { ClusterUnreachableError, describeError } from "./errors.js";
import { readHealth } from "./read-health.js";

export interface ReadinessWait {
  ready: boolean;
  /** Never got an HTTP answer: connection refused, unknown host, timeouts. */
  unreachable: boolean;
  /** The server answered that it will not become ready (e.g. HTTP 401): we stopped asking. */
  failed: boolean;
  waitedMs: number;
  attempts: number;
  /** The last health answer or the last error, for the report. */
  lastStatus: string;
  modelName?: string;
}

/**
 * Polls the server's health (see classify-health.ts for the shapes of the common servers) and
 * returns on the first ready answer, on an answer that says waiting will not help, or when the
 * timeout passes.
 */
export async function waitForReady(
  apiUrl: string,
  opts: {
    timeoutMs: number;
    pollMs?: number;
    clock: Clock;
    signal?: AbortSignal;
    /** Give up sooner when nothing answers at all (no cluster there), rather than when it is still starting. */
    unreachableAfterMs?: number;
  },
): Promise<ReadinessWait> {
  const started = opts.clock.monotonicMs();
  const pollMs = opts.pollMs ?? 250;
  let attempts = 0;
  let lastStatus = "no answer yet";
  let answered = false;
  const result = (state: HealthState | "timeout", modelName?: string): ReadinessWait => ({
    ready: state === "ready",
    unreachable: !answered,
    failed: state === "failed",
    waitedMs: opts.clock.monotonicMs() - started,
    attempts,
    lastStatus,
    ...(modelName ? { modelName } : {}),
  });
  for (;;) {
    attempts += 1;
    const remaining = opts.timeoutMs - (opts.clock.monotonicMs() - started);
    try {
      const verdict = await readHealth(apiUrl, {
        timeoutMs: Math.max(250, Math.min(5000, remaining)),
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
      answered = true;
      lastStatus = verdict.detail;
      if (verdict.state !== "starting") return result(verdict.state, verdict.modelName);
    } catch (err) {
      if (!(err instanceof ClusterUnreachableError)) throw err;
      lastStatus = describeError(err);
    }
    if (opts.signal?.aborted) throw opts.signal.reason;
    const elapsed = opts.clock.monotonicMs() - started;
    const limit =
      !answered && opts.unreachableAfterMs !== undefined
        ? Math.min(opts.unreachableAfterMs, opts.timeoutMs)
        : opts.timeoutMs;
    if (elapsed + pollMs >= limit) return result("timeout");
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
