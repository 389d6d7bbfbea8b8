import { readHealth } from "@mlxbench/suite";

export interface HealthWait {
  ready: boolean;
  /** The last thing /health said, or why it could not be reached. */
  lastStatus: string;
}

/**
 * Polls the server's health until it is ready — in the suite's reading of the common servers'
 * shapes (mlxbench's `healthy` + `model_loaded`, llama.cpp and mlx_lm `{"status":"ok"}`, vLLM's
 * empty 200, Ollama's /v1/models) — or says it never will, the timeout, an abort, or
 * `stopEarly()` returning a reason (the start command died).
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
  const clock = opts.clock ?? { now: () => Date.now() };
  const deadline = clock.now() + opts.timeoutMs;
  let lastStatus = "not polled";
  for (;;) {
    opts.signal?.throwIfAborted();
    try {
      const verdict = await readHealth(apiUrl, {
        timeoutMs: Math.max(500, Math.min(5000, deadline - clock.now())),
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
      lastStatus = verdict.detail;
      if (verdict.state === "ready") return { ready: true, lastStatus };
      if (verdict.state === "failed") return { ready: false, lastStatus };
    } catch (err) {
      opts.signal?.throwIfAborted();
      lastStatus = `unreachable: ${(err as Error).message}`;
    }
    const early = opts.stopEarly?.();
    if (early) return { ready: false, lastStatus: `${early} (last health: ${lastStatus})` };
    if (clock.now() >= deadline) return { ready: false, lastStatus };
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 200));
  }
}
