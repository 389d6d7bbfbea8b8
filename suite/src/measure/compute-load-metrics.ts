import type { ErrorClass, RequestRecord } from "./request-record.js";
import { summarize, type Stats } from "./summarize.js";

export interface Slo {
  ttftMs?: number;
  tpotMs?: number;
  e2eMs?: number;
}

export interface LoadMetrics {
  ttftMs: Stats | null;
  itlMs: Stats | null;
  tpotMs: Stats | null;
  e2eMs: Stats | null;
  outputTokensPerS: number;
  requestsPerS: number;
  goodputRequestsPerS: number | null;
  successRate: number;
  errorsByClass: Partial<Record<ErrorClass, number>>;
  streamingMeasurable: boolean;
}

/** TTFT of a successful streamed request: intended start to the first content chunk. */
export function ttftOf(r: RequestRecord): number | undefined {
  if (!r.ok || !r.streamed || r.firstTokenMs === undefined) return undefined;
  return r.firstTokenMs - r.intendedStartMs;
}

/** TPOT of a successful streamed request: (E2E − TTFT) / (output tokens − 1). */
export function tpotOf(r: RequestRecord): number | undefined {
  if (!r.ok || !r.streamed || r.firstTokenMs === undefined || r.outputTokens < 2) return undefined;
  return (r.endMs - r.firstTokenMs) / (r.outputTokens - 1);
}

/** E2E of a successful request: intended start to the end of the answer. */
export function e2eOf(r: RequestRecord): number | undefined {
  return r.ok ? r.endMs - r.intendedStartMs : undefined;
}

/**
 * ITL samples of a successful streamed request: each gap between two consecutive chunks
 * that carry tokens, divided evenly among the later chunk's tokens (k tokens → k samples of
 * gap / k). Chunks reconciled to 0 tokens pass their gap on to the next chunk with tokens.
 */
export function pushItlSamples(r: RequestRecord, out: number[]): void {
  if (!r.ok || !r.streamed) return;
  let prev: number | undefined;
  for (const chunk of r.chunks) {
    if (chunk.tokens <= 0) continue;
    if (prev !== undefined) {
      const share = (chunk.atMs - prev) / chunk.tokens;
      for (let k = 0; k < chunk.tokens; k++) out.push(share);
    }
    prev = chunk.atMs;
  }
}

/**
 * Every metric of docs/metrics.md from per-request records. Failed requests only count in
 * successRate and errorsByClass; requests the client itself aborted are left out of the
 * success rate. `durationMs` is the measured window, from the first intended start to the
 * last end.
 */
export function computeLoadMetrics(
  records: readonly RequestRecord[],
  durationMs: number,
  slo?: Slo,
): LoadMetrics {
  const ttft: number[] = [];
  const itl: number[] = [];
  const tpot: number[] = [];
  const e2e: number[] = [];
  const errorsByClass: Partial<Record<ErrorClass, number>> = {};
  let ok = 0;
  let attempted = 0;
  let tokens = 0;
  let good = 0;
  let streamingMeasurable = false;
  for (const r of records) {
    if (r.error !== undefined)
      errorsByClass[r.error.class] = (errorsByClass[r.error.class] ?? 0) + 1;
    if (r.error?.class !== "aborted") attempted++;
    if (!r.ok) continue;
    ok++;
    tokens += r.outputTokens;
    if (r.streamed) streamingMeasurable = true;
    const t = ttftOf(r);
    const p = tpotOf(r);
    const e = e2eOf(r);
    if (t !== undefined) ttft.push(t);
    if (p !== undefined) tpot.push(p);
    if (e !== undefined) e2e.push(e);
    pushItlSamples(r, itl);
    if (slo !== undefined && meetsSlo(slo, r, t, p, e)) good++;
  }
  const seconds = durationMs / 1000;
  const perSecond = (n: number): number => (seconds > 0 ? n / seconds : 0);
  return {
    ttftMs: summarize(ttft),
    itlMs: summarize(itl),
    tpotMs: summarize(tpot),
    e2eMs: summarize(e2e),
    outputTokensPerS: perSecond(tokens),
    requestsPerS: perSecond(ok),
    goodputRequestsPerS: goodputApplies(slo, streamingMeasurable) ? perSecond(good) : null,
    successRate: attempted > 0 ? ok / attempted : 0,
    errorsByClass,
    streamingMeasurable,
  };
}

function goodputApplies(slo: Slo | undefined, streamingMeasurable: boolean): boolean {
  if (slo === undefined) return false;
  const any = slo.ttftMs !== undefined || slo.tpotMs !== undefined || slo.e2eMs !== undefined;
  const needsStream = slo.ttftMs !== undefined || slo.tpotMs !== undefined;
  return any && (streamingMeasurable || !needsStream);
}

/**
 * A request without a TTFT fails a TTFT objective. A streamed request with under two output
 * tokens has no decode phase, so it meets a TPOT objective; an unstreamed one cannot show it.
 */
function meetsSlo(
  slo: Slo,
  r: RequestRecord,
  ttft: number | undefined,
  tpot: number | undefined,
  e2e: number | undefined,
): boolean {
  if (slo.ttftMs !== undefined && (ttft === undefined || ttft > slo.ttftMs)) return false;
  if (slo.tpotMs !== undefined) {
    if (tpot === undefined ? !r.streamed : tpot > slo.tpotMs) return false;
  }
  if (slo.e2eMs !== undefined && (e2e === undefined || e2e > slo.e2eMs)) return false;
  return true;
}
