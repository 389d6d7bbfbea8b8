import type { LoadResult, RequestRecord } from "./measure/index.js";
import { e2eOf, ttftOf, tpotOf } from "./measure/index.js";
import { computeServerCalibration, type ServerCalibration } from "./server-calibration.js";

/** One request as the reports keep it: enough to recompute every metric but the ITL. */
export interface CompactRecord {
  id: string;
  prompt: string;
  ok: boolean;
  e2eMs: number | null;
  ttftMs: number | null;
  tpotMs: number | null;
  outputTokens: number;
  tokenSource: "usage" | "counted";
  streamed: boolean;
  error?: string;
  /** The server's id of the answer, to find it in the server's own logs. */
  completionId?: string;
  /** The server's own timings of the answer as it sent them (llama.cpp's `timings`). */
  serverTimings?: Record<string, number>;
}

/** A load's figures without the per-chunk timestamps, for the component JSON files. */
export interface LoadSummary {
  model: string;
  requests: number;
  durationMs: number;
  metrics: LoadResult["metrics"];
  calibration: LoadResult["calibration"];
  warnings: string[];
  /** Highest number of requests in flight at once, from the records (proves real concurrency). */
  maxInFlight: number;
  /** The client against the server's own timings; null when the server reports none. */
  serverCalibration: ServerCalibration | null;
  records: CompactRecord[];
}

export function compactRecord(r: RequestRecord): CompactRecord {
  return {
    id: r.id,
    prompt: r.promptName,
    ok: r.ok,
    e2eMs: e2eOf(r) ?? null,
    ttftMs: ttftOf(r) ?? null,
    tpotMs: tpotOf(r) ?? null,
    outputTokens: r.outputTokens,
    tokenSource: r.tokenSource,
    streamed: r.streamed,
    ...(r.completionId !== undefined ? { completionId: r.completionId } : {}),
    ...(r.serverTimings !== undefined ? { serverTimings: r.serverTimings } : {}),
    ...(r.error
      ? {
          error: `${r.error.class}${r.error.status ? ` ${r.error.status}` : ""}: ${r.error.message}`,
        }
      : {}),
  };
}

export function summarizeLoad(result: LoadResult): LoadSummary {
  return {
    model: result.model,
    requests: result.records.length,
    durationMs: result.durationMs,
    metrics: result.metrics,
    calibration: result.calibration,
    warnings: result.warnings,
    maxInFlight: maxInFlight(result.records),
    serverCalibration: computeServerCalibration(result.records),
    records: result.records.map(compactRecord),
  };
}

/** Peak overlap of [sent, end] intervals. */
export function maxInFlight(records: readonly RequestRecord[]): number {
  const events: [number, number][] = [];
  for (const r of records) {
    if (r.sentMs <= 0) continue;
    events.push([r.sentMs, 1], [r.endMs, -1]);
  }
  // Ends before starts at the same instant: touching intervals do not overlap.
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let cur = 0;
  let max = 0;
  for (const [, d] of events) {
    cur += d;
    if (cur > max) max = cur;
  }
  return max;
}

export function samplesOf(
  records: readonly RequestRecord[],
  pick: (r: RequestRecord) => number | undefined,
): number[] {
  const out: number[] = [];
  for (const r of records) {
    const v = pick(r);
    if (v !== undefined && Number.isFinite(v)) out.push(v);
  }
  return out;
}

export function describeErrors(byClass: Partial<Record<string, number>>): string {
  const parts = Object.entries(byClass)
    .filter(([, n]) => (n ?? 0) > 0)
    .map(([c, n]) => `${c}: ${n}`);
  return parts.length ? parts.join(", ") : "none";
}
