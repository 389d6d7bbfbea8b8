import type { RequestRecord } from "./measure/index.js";
import { percentile, pushItlSamples } from "./measure/index.js";

// The client against the server's own clock. llama.cpp's server sends a `timings` object with
// each answer (prompt_ms: prompt processing, i.e. its time to the first token; predicted_ms /
// predicted_per_token_ms: its decode time per token). vLLM, SGLang, mlx_lm.server and Ollama's
// /v1 document no per-request timing fields, so there is nothing to compare against there.

export interface ServerCalibration {
  /** Successful streamed requests, and how many of them carried server timings. */
  requests: number;
  withTimings: number;
  /** Client TTFT (sent → first content chunk) minus the server's prompt_ms, per request. */
  ttft: {
    clientMedianMs: number;
    serverMedianMs: number;
    diffMedianMs: number;
    diffP90Ms: number;
  } | null;
  /** Client mean ITL minus the server's time per decoded token, over all requests. */
  itl: { clientMeanMs: number; serverMeanMs: number; diffMs: number; diffPct: number } | null;
}

/** The server's own TTFT and per-token time of one answer, when it reported them. */
export function serverTimesOf(
  r: RequestRecord,
): { ttftMs?: number; perTokenMs?: number } | undefined {
  const t = r.serverTimings;
  if (t === undefined) return undefined;
  const perToken =
    t.predicted_per_token_ms ??
    (t.predicted_ms !== undefined && (t.predicted_n ?? 0) > 0
      ? t.predicted_ms / (t.predicted_n ?? 1)
      : undefined);
  return {
    ...(t.prompt_ms !== undefined ? { ttftMs: t.prompt_ms } : {}),
    ...(perToken !== undefined ? { perTokenMs: perToken } : {}),
  };
}

/** How far the client's TTFT and ITL are from the server's own; null when no answer had timings. */
export function computeServerCalibration(
  records: readonly RequestRecord[],
): ServerCalibration | null {
  const ok = records.filter((r) => r.ok && r.streamed);
  const ttftClient: number[] = [];
  const ttftServer: number[] = [];
  const ttftDiff: number[] = [];
  let itlClientSum = 0;
  let itlServerSum = 0;
  let itlCount = 0;
  let withTimings = 0;
  for (const r of ok) {
    const server = serverTimesOf(r);
    if (!server) continue;
    withTimings++;
    if (server.ttftMs !== undefined && r.firstTokenMs !== undefined) {
      const client = r.firstTokenMs - r.sentMs;
      ttftClient.push(client);
      ttftServer.push(server.ttftMs);
      ttftDiff.push(client - server.ttftMs);
    }
    if (server.perTokenMs !== undefined) {
      const gaps: number[] = [];
      pushItlSamples(r, gaps);
      for (const g of gaps) itlClientSum += g;
      itlServerSum += server.perTokenMs * gaps.length;
      itlCount += gaps.length;
    }
  }
  if (withTimings === 0) return null;
  const median = (xs: number[]): number => percentile(Float64Array.from(xs).sort(), 50);
  const itlClient = itlClientSum / itlCount;
  const itlServer = itlServerSum / itlCount;
  return {
    requests: ok.length,
    withTimings,
    ttft: ttftDiff.length
      ? {
          clientMedianMs: median(ttftClient),
          serverMedianMs: median(ttftServer),
          diffMedianMs: median(ttftDiff),
          diffP90Ms: percentile(Float64Array.from(ttftDiff).sort(), 90),
        }
      : null,
    itl:
      itlCount > 0
        ? {
            clientMeanMs: itlClient,
            serverMeanMs: itlServer,
            diffMs: itlClient - itlServer,
            diffPct: itlServer > 0 ? ((itlClient - itlServer) / itlServer) * 100 : 0,
          }
        : null,
  };
}
