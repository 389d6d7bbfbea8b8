import { getClusterJson, HealthBody } from "./cluster-http.js";
import type { Clock } from "./deps.js";
import { ClusterResponseError, ClusterUnreachableError, describeError } from "./errors.js";

export interface ReadinessWait {
  ready: boolean;
  /** Never got an HTTP answer: connection refused, unknown host, timeouts. */
  unreachable: boolean;
  waitedMs: number;
  attempts: number;
  /** The last health body or the last error, for the report. */
  lastStatus: string;
  modelName?: string;
}

/**
 * Polls GET /health until `status == "healthy" && model_loaded` (the contract's ready), or the
 * timeout passes. Servers without model_loaded count as loaded when healthy.
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
  for (;;) {
    attempts += 1;
    const remaining = opts.timeoutMs - (opts.clock.monotonicMs() - started);
    try {
      const body = await getClusterJson(apiUrl, "health", HealthBody, {
        timeoutMs: Math.max(250, Math.min(5000, remaining)),
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
      answered = true;
      lastStatus = `status=${body.status} model_loaded=${String(body.model_loaded ?? "n/a")}`;
      if (body.status === "healthy" && body.model_loaded !== false) {
        return {
          ready: true,
          unreachable: false,
          waitedMs: opts.clock.monotonicMs() - started,
          attempts,
          lastStatus,
          ...(body.model_name ? { modelName: body.model_name } : {}),
        };
      }
    } catch (err) {
      if (!(err instanceof ClusterUnreachableError || err instanceof ClusterResponseError))
        throw err;
      if (err instanceof ClusterResponseError) answered = true;
      lastStatus = describeError(err);
    }
    if (opts.signal?.aborted) throw opts.signal.reason;
    const elapsed = opts.clock.monotonicMs() - started;
    const limit =
      !answered && opts.unreachableAfterMs !== undefined
        ? Math.min(opts.unreachableAfterMs, opts.timeoutMs)
        : opts.timeoutMs;
    if (elapsed + pollMs >= limit) {
      return { ready: false, unreachable: !answered, waitedMs: elapsed, attempts, lastStatus };
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
