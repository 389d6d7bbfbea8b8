import { existsSync } from "node:fs";
import { Agent } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { InvalidMeasureOptionsError } from "./errors.js";
import { runLoad } from "./run-load.js";
import { sendChatCompletion } from "./send-chat-completion.js";
import { ReaderThread } from "./reader-thread.js";
import {
  chatChunk,
  DONE,
  finishChunk,
  startSse,
  startTestServer,
  usageChunk,
  type TestServer,
} from "./testing/start-test-server.js";

const PROMPT = { name: "p", prompt: "x", max_tokens: 4 };
let server: TestServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("readIn", () => {
  it.each([
    [
      "an unknown place",
      { readIn: "elsewhere" as "main" },
      {},
      /readIn: must be "thread" or "main"/,
    ],
    [
      "a thread with the caller's dispatcher",
      { readIn: "thread" as const },
      { dispatcher: new Agent() },
      /readIn: "thread" .*dispatcher needs readIn "main"/,
    ],
    [
      "a thread with the caller's clock",
      { readIn: "thread" as const },
      { now: () => 0 },
      /readIn: "thread" .*clock \(now\) needs readIn "main"/,
    ],
  ])("refuses %s, naming the field", async (_name, over, deps, message) => {
    const run = runLoad(
      {
        baseUrl: "http://127.0.0.1:1",
        model: "m",
        prompts: [PROMPT],
        load: { kind: "concurrency", concurrency: 1 },
        requests: 1,
        ...over,
      },
      deps,
    );
    await expect(run).rejects.toBeInstanceOf(InvalidMeasureOptionsError);
    await expect(run).rejects.toThrow(message);
  });

  it("reads the same record in a shared reader thread as in main", async () => {
    server = await startTestServer((_req, res) => {
      startSse(res);
      res.write(chatChunk({ role: "assistant" }) + chatChunk({ content: "Hello" }));
      setTimeout(
        () => res.end(chatChunk({ content: " world" }) + finishChunk() + usageChunk(3) + DONE),
        20,
      );
    });
    const reader = await ReaderThread.start();
    try {
      const base = { baseUrl: server.url, model: "m", prompt: PROMPT };
      const inThread = await sendChatCompletion({ ...base, reader });
      const inMain = await sendChatCompletion({ ...base, readIn: "main" });
      for (const r of [inThread, inMain]) {
        expect(r).toMatchObject({
          ok: true,
          streamed: true,
          outputTokens: 3,
          tokenSource: "usage",
        });
        expect(r.chunks).toHaveLength(2);
        // Stamps from either thread are on one clock: after the send, before the end.
        expect(r.firstTokenMs).toBeGreaterThan(r.sentMs);
        expect(r.chunks[1]?.atMs).toBeLessThanOrEqual(r.endMs);
      }
      expect(inThread.chunks.map((c) => c.tokens)).toEqual(inMain.chunks.map((c) => c.tokens));
    } finally {
      await reader.close();
    }
  });

  it("tells the reader thread's Linux thread id before the first request is sent", async () => {
    const events: string[] = [];
    let tid: number | undefined;
    let isThreadOfThisProcess = false;
    server = await startTestServer((_req, res) => {
      events.push("request");
      startSse(res);
      res.end(chatChunk({ content: "Hi" }) + finishChunk() + usageChunk(1) + DONE);
    });
    await runLoad(
      {
        baseUrl: server.url,
        model: "m",
        prompts: [PROMPT],
        load: { kind: "concurrency", concurrency: 1 },
        requests: 1,
        warmupRequests: 0,
      },
      {
        onReaderThread: (id) => {
          events.push("thread");
          tid = id;
          isThreadOfThisProcess = existsSync(`/proc/${process.pid}/task/${String(id)}`);
        },
      },
    );
    expect(events).toEqual(["thread", "request"]);
    if (process.platform !== "linux") return expect(tid).toBeUndefined();
    // A thread of this process, and not its main thread (whose id is the process id).
    expect(tid).not.toBe(process.pid);
    expect(isThreadOfThisProcess).toBe(true);
  });

  it("fails a request in flight when its reader thread is closed", async () => {
    server = await startTestServer((_req, res) => {
      startSse(res);
      res.write(chatChunk({ role: "assistant" }) + chatChunk({ content: "Hello" }));
      // never ends
    });
    const reader = await ReaderThread.start();
    const pending = sendChatCompletion({ baseUrl: server.url, model: "m", prompt: PROMPT, reader });
    await new Promise((resolve) => setTimeout(resolve, 200));
    await reader.close();
    const record = await pending;
    expect(record.ok).toBe(false);
    // truncated_stream once the headers were in, connect if the close came first
    expect(["truncated_stream", "connect"]).toContain(record.error?.class);
    expect(record.error?.message).toMatch(/reader thread was closed/);
  });
});
