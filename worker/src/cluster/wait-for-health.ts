export interface HealthWait {
  ready: boolean;
  /** The last thing /health said, or why it could not be reached. */
  lastStatus: string;
}

/**
 * Polls `GET {apiUrl}/health` until `status == "healthy" && model_loaded`, the timeout, an abort,
 * or `stopEarly()` returning a reason (the start command died).
 */
export async function waitForHealth(
  apiUrl: string,
  opts: {
    timeoutMs: number;
    intervalMs?: number;
    signal?: AbortSignal;
    stopEarly?: () => string | null;
    /** Where the deadline is read (default the system clock). */
    clock?: { now(): number };
  },
): Promise<HealthWait> {
  const url = `${apiUrl.replace(/\/+$/, "")}/health`;
  const clock = opts.clock ?? { now: () => Date.now() };
  const deadline = clock.now() + opts.timeoutMs;
  let lastStatus = "not polled";
  for (;;) {
    opts.signal?.throwIfAborted();
    try {
      const res = await fetch(url, {
        signal: AbortSignal.timeout(Math.max(500, Math.min(5000, deadline - clock.now()))),
      });
      const body = (await res.json().catch(() => null)) as {
        status?: unknown;
        model_loaded?: unknown;
      } | null;
      if (res.ok && body?.status === "healthy" && body.model_loaded === true)
        return { ready: true, lastStatus: "healthy" };
      lastStatus = `HTTP ${res.status}, status ${String(body?.status)}, model_loaded ${String(body?.model_loaded)}`;
    } catch (err) {
      lastStatus = `unreachable: ${(err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message}`;
    }
    const early = opts.stopEarly?.();
    if (early) return { ready: false, lastStatus: `${early} (last health: ${lastStatus})` };
    if (clock.now() >= deadline) return { ready: false, lastStatus };
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 200));
  }
}
