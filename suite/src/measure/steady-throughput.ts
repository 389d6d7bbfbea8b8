import type { RequestRecord } from "./request-record.js";

export interface SteadyThroughput {
  /** Output tokens per second while every slot of the closed loop was busy. */
  outputTokensPerS: number;
  /** The window: the first request sent to the last request sent, ms. */
  windowMs: number;
  /** Share of the run's output tokens that arrived inside the window. */
  tokenShare: number;
}

/**
 * Output tokens per second of a closed-loop (concurrency) load while it was at its concurrency:
 * from the first request sent to the last. Until the last request is sent, each one that ends is
 * replaced at once, so `concurrency` requests are in the server the whole window; after it the
 * load drains, and a short run of uneven requests (32–256 tokens) spends much of its time
 * draining: a cluster that holds 24 sequences at once then decodes a handful, one that holds 8
 * still has a queue. Counting the drain measures the load's shape, not the cluster.
 * Streamed requests only (their chunks carry arrival times); null when the window is empty
 * (all requests sent at once) or nothing was streamed.
 */
export function steadyThroughput(records: readonly RequestRecord[]): SteadyThroughput | null {
  const ok = records.filter((r) => r.ok && r.streamed);
  if (ok.length === 0) return null;
  let from = Infinity;
  let to = -Infinity;
  for (const r of records) {
    from = Math.min(from, r.sentMs);
    to = Math.max(to, r.sentMs);
  }
  const windowMs = to - from;
  if (!(windowMs > 0)) return null;
  let inside = 0;
  let total = 0;
  for (const r of ok) {
    for (const c of r.chunks) {
      total += c.tokens;
      if (c.atMs > from && c.atMs <= to) inside += c.tokens;
    }
  }
  if (inside === 0) return null;
  return { outputTokensPerS: (inside / windowMs) * 1000, windowMs, tokenShare: inside / total };
}
