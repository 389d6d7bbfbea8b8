import { startReferenceCluster, type ReferenceCluster } from "@mlxbench/sim";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { assessCalibration } from "./client-calibration.js";
import { runLoad } from "./run-load.js";
import { summarize } from "./summarize.js";
import { sendChatCompletion } from "./send-chat-completion.js";
import { startResourceSampler } from "./resource-sampler.js";
import type { RequestRecord } from "./request-record.js";

const SHORT = { name: "short", prompt: "What is the capital of France?", max_tokens: 12 };
const LONGER = { name: "longer", prompt: "Explain attention in transformers.", max_tokens: 24 };
const PROMPTS = [SHORT, LONGER];
let cluster: ReferenceCluster;

beforeAll(async () => {
  cluster = await startReferenceCluster({ devices: 3, seed: 7 });
});
afterAll(async () => {
  await cluster.stop();
});
beforeEach(() => {
  cluster.faults.reset();
});

/** Client-observed chunk times against the sim's own write times of the tokens they carry. */
function checkAgainstGroundTruth(r: RequestRecord): void {
  expect(r.completionId).toBeDefined();
  const truth = cluster.groundTruth(r.completionId ?? "");
  expect(truth?.outcome).toBe("complete");
  const tokens = truth?.tokens ?? [];
  expect(r.outputTokens).toBe(tokens.length);
  expect(r.chunks.reduce((n, c) => n + c.tokens, 0)).toBe(tokens.length);
  // Tokens written together form one chunk; the client saw each chunk no earlier than its write.
  const writes = [...new Set(tokens.map((t) => t.writtenAt))];
  expect(r.chunks).toHaveLength(writes.length);
  r.chunks.forEach((c, i) => expect(c.atMs).toBeGreaterThanOrEqual(writes[i] ?? Infinity));
  // The role chunk, written before any token, is not the first token.
  expect(r.firstTokenMs).toBeGreaterThanOrEqual(tokens[0]?.writtenAt ?? Infinity);
  expect(r.firstByteMs).toBeLessThanOrEqual(r.firstTokenMs ?? -Infinity);
}

describe("against the reference cluster", () => {
  it("streams: every chunk lines up with the sim's ground-truth writes, and metrics follow", async () => {
    const result = await runLoad({
      baseUrl: cluster.apiUrl,
      prompts: PROMPTS,
      load: { kind: "concurrency", concurrency: 4 },
      requests: 8,
      warmupRequests: 1,
      slo: { ttftMs: 10_000 },
    });
    expect(result.model.length).toBeGreaterThan(0);
    expect(result.metrics.successRate).toBe(1);
    expect(result.metrics.streamingMeasurable).toBe(true);
    expect(result.records.every((r) => r.tokenSource === "usage" && r.streamed)).toBe(true);
    result.records.forEach(checkAgainstGroundTruth);
    expect(result.metrics.ttftMs?.count).toBe(8);
    expect(result.metrics.goodputRequestsPerS).toBe(result.metrics.requestsPerS);
    const multiToken = result.records.some((r) => r.chunks.some((c) => c.tokens > 1));
    expect(multiToken).toBe(true); // the sim coalesces tokens: the test covers multi-token chunks
  });

  it("open-loop Poisson load keeps its schedule against the sim", async () => {
    const result = await runLoad({
      baseUrl: cluster.apiUrl,
      prompts: PROMPTS,
      load: { kind: "rate", requestsPerSecond: 40, arrival: "poisson" },
      requests: 6,
      seed: 3,
    });
    expect(result.metrics.successRate).toBe(1);
    result.records.forEach(checkAgainstGroundTruth);
  });

  it("a normal run reads in the reader thread, and warns exactly when its recorded lags call for it", async () => {
    // At a real cluster's token pace (tens of ms between tokens; the sim's default 4 ms is a
    // stress pace that a loaded 2-core test machine's event-loop lag can reach on its own).
    const paced = await startReferenceCluster({ devices: 3, seed: 7, slowdown: 10 });
    const result = await runLoad({
      baseUrl: paced.apiUrl,
      prompts: PROMPTS,
      load: { kind: "concurrency", concurrency: 4 },
      requests: 8,
      warmupRequests: 2,
    }).finally(() => paced.stop());
    expect(result.metrics.successRate).toBe(1);
    // The pace is the sim's modelled one (its ground truth), not the client-observed ITL: a
    // loaded machine delays the sim's writes, which then catch up in bursts and shrink the gaps.
    const modelledStepMs = result.records.flatMap((r) =>
      (paced.groundTruth(r.completionId ?? "")?.tokens ?? []).slice(1).map((t) => t.modelledMs),
    );
    expect(modelledStepMs.length).toBeGreaterThan(0);
    expect(summarize(modelledStepMs)?.p50 ?? 0).toBeGreaterThan(20);
    const c = result.calibration;
    expect(c.readIn).toBe("thread");
    expect(c.stampLagMs?.count).toBeGreaterThan(0);
    // Whether this machine's lags were large enough to warn depends on its load, not on the code:
    // the verdict is asserted as the one assessCalibration gives for the lags and latencies the
    // run recorded (the rule itself is tested on fixed figures in client-calibration.test.ts).
    const { warning, ...verdict } = c;
    const { warning: expectedWarning, ...expected } = assessCalibration({
      readIn: c.readIn,
      dispatchLagMs: c.dispatchLagMs,
      eventLoopLagMs: c.eventLoopLagMs,
      stampLagMs: c.stampLagMs,
      stampGcPauses: c.stampGcPauses,
      itlMs: result.metrics.itlMs,
      ttftMs: result.metrics.ttftMs,
      e2eMs: result.metrics.e2eMs,
    });
    expect(verdict).toEqual(expected);
    expect(verdict.clientLimited).toBe(warning !== undefined);
    // The same reasons; the run's own warning adds a sentence on the machine's load after them.
    const reasons = (w: string | undefined): string | undefined => w?.split(". ")[0];
    expect(reasons(warning)).toBe(reasons(expectedWarning));
    expect(result.warnings.filter((w) => w.includes("client-limited"))).toEqual(
      warning === undefined ? [] : [warning],
    );
  });

  it("measures without streaming when the cluster answers 501, as the original does", async () => {
    cluster.faults.set({ streaming: false });
    const result = await runLoad({
      baseUrl: cluster.apiUrl,
      prompts: PROMPTS,
      load: { kind: "concurrency", concurrency: 2 },
      requests: 4,
    });
    expect(result.metrics).toMatchObject({
      streamingMeasurable: false,
      ttftMs: null,
      itlMs: null,
      successRate: 1,
    });
    expect(result.metrics.e2eMs?.count).toBe(4);
    expect(result.records.every((r) => r.tokenSource === "usage")).toBe(true);
    expect(result.warnings.join("\n")).toMatch(/501.*not measurable/);
  });

  it.each([
    [{ malformed: "truncated" as const }, "truncated_stream", {}],
    [{ malformed: "broken-json" as const }, "malformed_stream", {}],
    [{ malformed: "html" as const }, "malformed_response", {}],
    [{ errorRate: 1 }, "http_status", {}],
    [{ stallMs: 5_000, stallAfterTokens: 2 }, "timeout", { timeoutMs: 300 }],
  ])("classifies the sim's fault %j as %s", async (fault, errorClass, extra) => {
    cluster.faults.set(fault);
    const r = await sendChatCompletion({
      baseUrl: cluster.apiUrl,
      model: "m",
      prompt: LONGER,
      ...extra,
    });
    expect(r.ok).toBe(false);
    expect(r.error?.class).toBe(errorClass);
  });

  it("samples the cluster's memory from its status endpoints", async () => {
    const sampler = startResourceSampler({ apiUrl: cluster.apiUrl, intervalMs: 50 });
    await sendChatCompletion({ baseUrl: cluster.apiUrl, model: "m", prompt: SHORT });
    const summary = await sampler.stop({ outputTokens: 100 });
    expect(summary.clusterMemoryMb?.peak).toBeGreaterThan(0);
    expect(summary.tokensPerMbBasis).toBe("cluster");
  });
});
