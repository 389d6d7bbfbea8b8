import { describe, expect, it } from "vitest";
import { computeLoadMetrics } from "./compute-load-metrics.js";
import type { RequestRecord } from "./request-record.js";

function record(
  over: Partial<RequestRecord> & Pick<RequestRecord, "id" | "intendedStartMs" | "endMs">,
): RequestRecord {
  return {
    promptName: "p",
    sentMs: over.intendedStartMs + 1,
    chunks: [],
    outputTokens: 0,
    tokenSource: "usage",
    finishReason: "stop",
    ok: true,
    streamed: true,
    outputChars: 0,
    ...over,
  };
}

// Hand-computed fixtures: each expected number is worked out in the comment beside it.
const A = record({
  id: "A",
  intendedStartMs: 1000,
  firstByteMs: 1005,
  firstTokenMs: 1010, // TTFT 10
  chunks: [
    { atMs: 1010, tokens: 1 },
    { atMs: 1020, tokens: 2 }, // gap 10 over 2 tokens → ITL 5, 5
    { atMs: 1050, tokens: 1 }, // gap 30 → ITL 30
  ],
  endMs: 1060, // E2E 60; TPOT (60 − 10) / (4 − 1) = 50/3
  outputTokens: 4,
});
const B = record({
  id: "B",
  intendedStartMs: 2000,
  firstTokenMs: 2020, // TTFT 20
  chunks: [
    { atMs: 2020, tokens: 1 },
    { atMs: 2025, tokens: 0 }, // reconciled to 0 tokens: its gap passes on
    { atMs: 2040, tokens: 1 }, // gap 2040 − 2020 = 20 → ITL 20
  ],
  endMs: 2040, // E2E 40; TPOT (40 − 20) / 1 = 20
  outputTokens: 2,
});
const C = record({
  id: "C",
  intendedStartMs: 3000,
  endMs: 3100,
  outputTokens: 10,
  streamed: false,
}); // E2E 100 only
const D = record({
  id: "D",
  intendedStartMs: 4000,
  firstTokenMs: 4001,
  chunks: [
    { atMs: 4001, tokens: 1 },
    { atMs: 4900, tokens: 1 },
  ],
  endMs: 5000,
  outputTokens: 2,
  ok: false,
  error: { class: "timeout", message: "stalled" },
});
const E = record({
  id: "E",
  intendedStartMs: 5000,
  endMs: 5001,
  ok: false,
  error: { class: "aborted", message: "caller" },
});
const F = record({
  id: "F",
  intendedStartMs: 6000,
  endMs: 6002,
  ok: false,
  error: { class: "http_status", status: 500, message: "HTTP 500" },
});
const ALL = [A, B, C, D, E, F];

describe("computeLoadMetrics", () => {
  const m = computeLoadMetrics(ALL, 2000);

  it("TTFT is intended start to first content chunk, successful streamed requests only", () => {
    expect(m.ttftMs).toMatchObject({ count: 2, mean: 15, min: 10, max: 20 });
  });

  it("ITL divides each gap among the later chunk's tokens and skips zero-token chunks", () => {
    // samples 5, 5, 30, 20 → sorted 5, 5, 20, 30
    expect(m.itlMs).toMatchObject({ count: 4, mean: 15, min: 5, max: 30, p50: 12.5 });
  });

  it("TPOT is (E2E − TTFT) / (tokens − 1)", () => {
    expect(m.tpotMs?.count).toBe(2);
    expect(m.tpotMs?.min).toBeCloseTo(50 / 3, 10);
    expect(m.tpotMs?.max).toBe(20);
  });

  it("E2E covers streamed and unstreamed successes, never failures", () => {
    expect(m.e2eMs).toMatchObject({ count: 3, min: 40, max: 100, mean: 200 / 3 });
  });

  it("throughput counts successful tokens and requests over the window", () => {
    expect(m.outputTokensPerS).toBe((4 + 2 + 10) / 2);
    expect(m.requestsPerS).toBe(1.5);
  });

  it("success rate leaves client aborts out; errors are counted by class", () => {
    expect(m.successRate).toBe(3 / 5);
    expect(m.errorsByClass).toEqual({ timeout: 1, aborted: 1, http_status: 1 });
    expect(m.streamingMeasurable).toBe(true);
    expect(m.goodputRequestsPerS).toBeNull();
  });

  it.each([
    [{ ttftMs: 15 }, 0.5], // A only (B 20 too slow, C has no TTFT)
    [{ e2eMs: 60 }, 1], // A and B
    [{ tpotMs: 18 }, 0.5], // A 16.7 passes, B 20 fails, C cannot show a TPOT
    [{ ttftMs: 25, tpotMs: 25, e2eMs: 1000 }, 1], // A and B
  ])("goodput against %j is %f requests/s", (slo, expected) => {
    expect(computeLoadMetrics(ALL, 2000, slo).goodputRequestsPerS).toBe(expected);
  });

  it("has no goodput for a TTFT objective when nothing streamed, and no latency from failures", () => {
    const m2 = computeLoadMetrics([C, F], 1000, { ttftMs: 100 });
    expect(m2.goodputRequestsPerS).toBeNull();
    expect(m2.streamingMeasurable).toBe(false);
    expect(m2.ttftMs).toBeNull();
    expect(m2.itlMs).toBeNull();
    expect(computeLoadMetrics([F], 1000).e2eMs).toBeNull();
  });
});
