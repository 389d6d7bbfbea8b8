import { afterEach, describe, expect, it } from "vitest";
import { runLoad } from "./run-load.js";
import { startPacedSseThread, type PacedSseServer } from "./testing/start-paced-sse-thread.js";

const PROMPTS = [{ name: "p", prompt: "x", max_tokens: 20 }];
let server: PacedSseServer | undefined;
let busy: NodeJS.Timeout | undefined;

afterEach(async () => {
  clearInterval(busy);
  busy = undefined;
  await server?.close();
  server = undefined;
});

/** Keeps this (the main) thread busy 20 ms out of every 30 ms, as heavy parsing or GC would. */
function blockMainThread(): void {
  busy = setInterval(() => {
    const until = performance.now() + 20;
    while (performance.now() < until) {
      // busy
    }
  }, 10);
}

describe("the client-limited warning", () => {
  it("fires when the main thread stamps and is blocked", async () => {
    server = await startPacedSseThread({ ttftMs: 30, itlMs: 10, tokens: 20 });
    blockMainThread();
    const result = await runLoad({
      baseUrl: server.url,
      model: "m",
      prompts: PROMPTS,
      load: { kind: "concurrency", concurrency: 2 },
      requests: 4,
      readIn: "main",
    });
    expect(result.records.every((r) => r.ok)).toBe(true);
    const c = result.calibration;
    expect(c.readIn).toBe("main");
    // Reading in main, the stamp lag is the main thread's event-loop lag.
    expect(c.stampLagMs).toEqual(c.eventLoopLagMs);
    expect(c.stampLagMs?.p99).toBeGreaterThanOrEqual(15);
    expect(c.clientLimited).toBe(true);
    // Against the ITL p99 or, when the blocked thread's late reads also lengthen the measured gaps
    // (a loaded machine), against the TTFT p99: either is the stamp lag firing (assessCalibration).
    expect(c.warning).toMatch(
      /stamp lag p99 \(main thread\) [\d.]+ ms is \d+% of the (ITL|TTFT) p99/,
    );
    expect(result.warnings).toContain(c.warning);
  });

  it("keeps a blocked main thread out of the reader thread's stamps", async () => {
    // One 150 ms stall of this thread, 60 ms into the first answer, while the streams run.
    let stalled = false;
    const stall = (): void => {
      if (stalled) return;
      stalled = true;
      setTimeout(() => {
        const until = performance.now() + 150;
        while (performance.now() < until) {
          // busy
        }
      }, 60);
    };
    server = await startPacedSseThread({ ttftMs: 20, itlMs: 10, tokens: 30 }, stall);
    const result = await runLoad({
      baseUrl: server.url,
      model: "m",
      prompts: [{ name: "p", prompt: "x", max_tokens: 30 }],
      load: { kind: "concurrency", concurrency: 2 },
      requests: 2,
    });
    expect(result.records.every((r) => r.ok)).toBe(true);
    const c = result.calibration;
    expect(c.readIn).toBe("thread");
    expect(c.eventLoopLagMs?.max).toBeGreaterThanOrEqual(100);
    // Read in main, the stall would sit in one gap of each stream (≥ 150 ms); the thread stamped on.
    for (const r of result.records) {
      const gaps = r.chunks.slice(1).map((ch, k) => ch.atMs - (r.chunks[k]?.atMs ?? 0));
      expect(gaps).toHaveLength(29);
      expect(Math.max(...gaps)).toBeLessThan(100);
    }
    expect(c.warning ?? "").not.toMatch(/main thread/);
  });
});
