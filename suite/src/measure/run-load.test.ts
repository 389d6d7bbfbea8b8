import type { IncomingMessage, ServerResponse } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { planArrivals } from "./arrival-schedule.js";
import { epochNow } from "./epoch-now.js";
import { InvalidMeasureOptionsError } from "./errors.js";
import { runLoad, type LoadOptions } from "./run-load.js";
import {
  chatChunk,
  delay,
  DONE,
  findClosedPort,
  finishChunk,
  startSse,
  startTestServer,
  usageChunk,
  type TestHandler,
  type TestServer,
} from "./testing/start-test-server.js";

const PROMPTS = [
  { name: "a", prompt: "one", max_tokens: 4 },
  { name: "b", prompt: "two", max_tokens: 4 },
];
let server: TestServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(handler: TestHandler): Promise<string> {
  server = await startTestServer(handler);
  return server.url;
}

const answer = (_req: IncomingMessage, res: ServerResponse): void => {
  startSse(res);
  res.end(
    chatChunk({ role: "assistant" }) +
      chatChunk({ content: "x" }) +
      chatChunk({ content: "y" }) +
      finishChunk() +
      usageChunk(2) +
      DONE,
  );
};

function handleModels(
  req: { url?: string | undefined },
  res: {
    writeHead: (s: number, h: Record<string, string>) => unknown;
    end: (b: string) => unknown;
  },
): boolean {
  if (req.url !== "/v1/models") return false;
  res.writeHead(200, { "content-type": "application/json" });
  res.end(JSON.stringify({ object: "list", data: [{ id: "served-model", object: "model" }] }));
  return true;
}

describe("runLoad", () => {
  it("keeps the requested number of requests really in flight at once", async () => {
    // The server answers nobody until four requests are open: a sequential client would time out.
    const waiting: (() => void)[] = [];
    let maxOpen = 0;
    let open = 0;
    const url = await serve(async (req, res) => {
      open++;
      maxOpen = Math.max(maxOpen, open);
      if (waiting.length < 3 && open < 4)
        await new Promise<void>((resolve) => waiting.push(resolve));
      else waiting.splice(0).forEach((release) => release());
      answer(req, res);
      open--;
    });
    const result = await runLoad({
      baseUrl: url,
      model: "m",
      prompts: PROMPTS,
      load: { kind: "concurrency", concurrency: 4 },
      requests: 8,
      timeoutMs: 5_000,
    });
    expect(maxOpen).toBe(4);
    expect(result.metrics.successRate).toBe(1);
    expect(result.records.map((r) => r.promptName)).toEqual([
      "a",
      "b",
      "a",
      "b",
      "a",
      "b",
      "a",
      "b",
    ]);
    expect(result.metrics.ttftMs?.count).toBe(8);
    expect(result.metrics.outputTokensPerS).toBeGreaterThan(0);
  });

  it("discovers the model, runs warmup apart and leaves it out of the records", async () => {
    const url = await serve((req, res) => {
      if (!handleModels(req, res)) answer(req, res);
    });
    const progress: number[] = [];
    const result = await runLoad({
      baseUrl: `${url}/v1/`,
      load: { kind: "concurrency", concurrency: 2 },
      requests: 3,
      warmupRequests: 2,
      onProgress: (done, total) => progress.push(done * 100 + total),
    });
    expect(result.model).toBe("served-model");
    expect(server?.bodies.filter((b) => b.model === "served-model")).toHaveLength(5);
    expect(result.warmupRecords.map((r) => r.id)).toEqual(["warmup-0", "warmup-1"]);
    expect(result.records.map((r) => r.id)).toEqual(["req-0", "req-1", "req-2"]);
    expect(result.records.every((r) => r.intendedStartMs >= result.startedAtMs)).toBe(true);
    expect(progress).toEqual([103, 203, 303]);
    expect(result.calibration.dispatchLagMs?.count).toBe(3);
  });

  it("open loop keeps intended start times, so a slow server's queue shows in the latency", async () => {
    // The server serves one request at a time, 40 ms each, while requests arrive every 10 ms.
    let queue = Promise.resolve();
    const url = await serve((req, res) => {
      queue = queue.then(async () => {
        await delay(40);
        answer(req, res);
      });
    });
    const result = await runLoad({
      baseUrl: url,
      model: "m",
      prompts: PROMPTS,
      load: { kind: "rate", requestsPerSecond: 100, arrival: "constant" },
      requests: 5,
    });
    const offsets = planArrivals(5, 100, "constant");
    expect(result.records.map((r) => r.intendedStartMs - result.startedAtMs)).toEqual(offsets);
    // Orderings that hold whatever the scheduler does (a loaded machine can stamp two ends in one
    // read, or let a later request reach the server first, so e2e need not grow with the index):
    // the server starts no service before the run starts and serves one request at a time, so the
    // k-th response to end came at least k services after the run started (39 ms: a timer can
    // fire up to 1 ms early).
    const e2e = result.records.map((r) => r.endMs - r.intendedStartMs);
    const byEnd = [...result.records].sort((a, b) => a.endMs - b.endMs);
    byEnd.forEach((r, k) =>
      expect(r.endMs - result.startedAtMs).toBeGreaterThanOrEqual(39 * (k + 1)),
    );
    // The last to end waited for all five services though it arrived by 40 ms: the queue shows in
    // its latency, counted from the intended start.
    expect(Math.max(...e2e)).toBeGreaterThanOrEqual(5 * 39 - 40);
    const sentFirst = Math.min(...result.records.map((r) => r.sentMs));
    expect((byEnd[4]?.endMs ?? 0) - sentFirst).toBeGreaterThanOrEqual(5 * 39);
    expect(result.metrics.e2eMs?.max).toBe(Math.max(...e2e));
  });

  it("open loop counts a late dispatch in the latency instead of hiding it", async () => {
    const url = await serve(answer);
    // Block this process's event loop for 120 ms between the first arrival (0 ms) and the second
    // (20 ms): the arrivals then go out late. The block is a timer due 10 ms after the run starts,
    // set when the run first reads its clock, so Node fires it before the 20 ms arrival's timer
    // however late the loaded machine runs both (a block after the first response, as before, came
    // after every arrival had gone out when that response was slow).
    const block = (): void => {
      const until = performance.now() + 120;
      while (performance.now() < until) {
        // busy
      }
    };
    let blockSet = false;
    const now = (): number => {
      if (!blockSet) {
        blockSet = true;
        setTimeout(block, 10);
      }
      return epochNow();
    };
    const result = await runLoad(
      {
        baseUrl: url,
        model: "m",
        prompts: PROMPTS,
        load: { kind: "rate", requestsPerSecond: 50, arrival: "constant" },
        requests: 4,
      },
      { now },
    );
    const lags = result.records.map((r) => r.sentMs - r.intendedStartMs);
    expect(Math.max(...lags)).toBeGreaterThanOrEqual(50);
    for (const r of result.records)
      expect(r.endMs - r.intendedStartMs).toBeGreaterThanOrEqual(r.endMs - r.sentMs);
    expect(result.calibration.dispatchLagMs?.max).toBeGreaterThanOrEqual(50);
    expect(result.calibration.eventLoopLagMs?.max).toBeGreaterThanOrEqual(50);
    expect(result.calibration.clientLimited).toBe(true);
    expect(result.warnings.some((w) => w.startsWith("client-limited measurement"))).toBe(true);
  });

  it("stops starting requests at maxDurationMs", async () => {
    const url = await serve(answer);
    const result = await runLoad({
      baseUrl: url,
      model: "m",
      load: { kind: "rate", requestsPerSecond: 5, arrival: "constant" },
      requests: 100,
      maxDurationMs: 300, // arrivals at 0 and 200 ms fall inside, 400 ms does not
    });
    expect(result.records).toHaveLength(2);
    expect(result.warnings).toContain(
      "2 of 100 requests were started before maxDurationMs (300 ms)",
    );
  });

  it("switches to non-streaming after a 501 and says TTFT was not measurable", async () => {
    const url = await serve((_req, res, body) => {
      if (body.stream === true) {
        res.writeHead(501, { "content-type": "application/json" });
        res.end(JSON.stringify({ detail: "Streaming not implemented" }));
        return;
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          choices: [{ message: { content: "hi" }, finish_reason: "stop" }],
          usage: { completion_tokens: 7 },
        }),
      );
    });
    const result = await runLoad({
      baseUrl: url,
      model: "m",
      load: { kind: "concurrency", concurrency: 1 },
      requests: 3,
    });
    expect(server?.bodies.map((b) => b.stream)).toEqual([true, false, false, false]);
    expect(result.metrics).toMatchObject({
      streamingMeasurable: false,
      ttftMs: null,
      itlMs: null,
      tpotMs: null,
      successRate: 1,
    });
    expect(result.metrics.e2eMs?.count).toBe(3);
    expect(result.warnings.some((w) => w.includes("501") && w.includes("not measurable"))).toBe(
      true,
    );
  });

  it("an unreachable server gives classified errors and no latency figures", async () => {
    const port = await findClosedPort();
    const result = await runLoad({
      baseUrl: `http://127.0.0.1:${port}`,
      load: { kind: "concurrency", concurrency: 2 },
      requests: 3,
    });
    expect(result.model).toBe("default");
    expect(result.warnings[0]).toMatch(/GET \/v1\/models failed/);
    expect(result.metrics).toMatchObject({
      successRate: 0,
      errorsByClass: { connect: 3 },
      e2eMs: null,
      ttftMs: null,
      outputTokensPerS: 0,
    });
  });

  it("Poisson arrivals are reproducible from the seed and have the requested mean rate", () => {
    const a = planArrivals(5000, 20, "poisson", 7);
    expect(planArrivals(5000, 20, "poisson", 7)).toEqual(a);
    expect(planArrivals(5000, 20, "poisson", 8)).not.toEqual(a);
    const meanGap = (a[4999] ?? 0) / 4999;
    expect(meanGap).toBeGreaterThan(47.5);
    expect(meanGap).toBeLessThan(52.5);
  });

  it.each<[string, Partial<LoadOptions>, RegExp]>([
    ["zero requests", { requests: 0 }, /^requests: /],
    [
      "fractional concurrency",
      { load: { kind: "concurrency", concurrency: 1.5 } },
      /^load\.concurrency: /,
    ],
    [
      "a zero rate",
      { load: { kind: "rate", requestsPerSecond: 0, arrival: "constant" } },
      /^load\.requestsPerSecond: /,
    ],
    [
      "an unknown arrival",
      { load: { kind: "rate", requestsPerSecond: 1, arrival: "bursty" as "poisson" } },
      /^load\.arrival: /,
    ],
    ["no prompts", { prompts: [] }, /^prompts: /],
    [
      "a prompt without max_tokens",
      { prompts: [{ name: "x", prompt: "y", max_tokens: 0 }] },
      /^prompts\[0\]\.max_tokens: /,
    ],
    ["a negative SLO", { slo: { ttftMs: -1 } }, /^slo\.ttftMs: /],
    ["a bad URL", { baseUrl: "nope" }, /^baseUrl: /],
  ])("refuses %s, naming the field", async (_name, bad, message) => {
    const opts: LoadOptions = {
      baseUrl: "http://127.0.0.1:1",
      model: "m",
      load: { kind: "concurrency", concurrency: 1 },
      requests: 1,
      ...bad,
    };
    const run = runLoad(opts);
    await expect(run).rejects.toThrow(InvalidMeasureOptionsError);
    await expect(run).rejects.toThrow(message);
  });
});
