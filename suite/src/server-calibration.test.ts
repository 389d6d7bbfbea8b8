import { describe, expect, it } from "vitest";
import type { RequestRecord } from "./measure/index.js";
import { computeServerCalibration } from "./server-calibration.js";

/** A streamed answer: sent at `sent`, first token at `first`, then one token every `gap` ms. */
function streamed(
  sent: number,
  first: number,
  gap: number,
  tokens: number,
  serverTimings?: Record<string, number>,
): RequestRecord {
  const chunks = Array.from({ length: tokens }, (_, i) => ({ atMs: first + i * gap, tokens: 1 }));
  return {
    id: `r${sent}`,
    promptName: "p",
    intendedStartMs: sent,
    sentMs: sent,
    firstByteMs: sent + 1,
    firstTokenMs: first,
    chunks,
    endMs: first + (tokens - 1) * gap,
    outputTokens: tokens,
    tokenSource: "usage",
    finishReason: "length",
    ok: true,
    streamed: true,
    outputChars: tokens * 3,
    ...(serverTimings ? { serverTimings, completionId: `chatcmpl-${sent}` } : {}),
  };
}

describe("computeServerCalibration", () => {
  it("is null when no answer carried server timings (vLLM, Ollama)", () => {
    expect(computeServerCalibration([streamed(0, 10, 2, 5)])).toBeNull();
  });

  it("reports client minus server TTFT and ITL from llama.cpp's timings", () => {
    const c = computeServerCalibration([
      // client TTFT 10, server prompt 8 → +2; client gaps 2.2 vs server 2.0 per token
      streamed(0, 10, 2.2, 5, { prompt_ms: 8, predicted_per_token_ms: 2, predicted_n: 5 }),
      // client TTFT 14, server 10 → +4; the per-token time derived from predicted_ms / predicted_n
      streamed(100, 114, 2.2, 5, { prompt_ms: 10, predicted_ms: 10, predicted_n: 5 }),
      streamed(200, 210, 2, 5), // no timings: counted in requests only
    ]);
    expect(c).not.toBeNull();
    expect(c?.requests).toBe(3);
    expect(c?.withTimings).toBe(2);
    expect(c?.ttft?.clientMedianMs).toBeCloseTo(12, 9);
    expect(c?.ttft?.serverMedianMs).toBeCloseTo(9, 9);
    expect(c?.ttft?.diffMedianMs).toBeCloseTo(3, 9);
    expect(c?.itl?.clientMeanMs).toBeCloseTo(2.2, 9);
    expect(c?.itl?.serverMeanMs).toBeCloseTo(2, 9);
    expect(c?.itl?.diffPct).toBeCloseTo(10, 9);
  });
});
