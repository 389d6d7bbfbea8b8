import net, { type AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { epochNow } from "./epoch-now.js";
import { InvalidMeasureOptionsError } from "./errors.js";
import type { RequestRecord } from "./request-record.js";
import { sendChatCompletion, type SendChatCompletionOptions } from "./send-chat-completion.js";
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

const PROMPT = { name: "t", prompt: "say hi", max_tokens: 16 };
let server: TestServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function send(
  handler: TestHandler,
  extra: Partial<SendChatCompletionOptions> = {},
): Promise<RequestRecord> {
  server = await startTestServer(handler);
  return sendChatCompletion({ baseUrl: server.url, model: "m", prompt: PROMPT, ...extra });
}

function tokensOf(r: RequestRecord): number[] {
  return r.chunks.map((c) => c.tokens);
}

describe("sendChatCompletion over SSE quirks", () => {
  it("does not count a role-only first chunk as the first token", async () => {
    let contentWrittenAt = 0;
    const r = await send(async (_req, res) => {
      startSse(res);
      res.write(chatChunk({ role: "assistant" }));
      await delay(30);
      contentWrittenAt = epochNow();
      res.write(chatChunk({ content: "Hi" }));
      res.end(finishChunk() + usageChunk(1) + DONE);
    });
    expect(r.ok).toBe(true);
    expect(r.chunks).toHaveLength(1);
    // The content chunk cannot be seen before it is written: the first token is its stamp, not
    // the role chunk's. (Whether the client stamped the headers before the content was written is
    // up to the scheduler on a loaded machine — both can arrive in one read — so it is not asserted.)
    expect(r.firstTokenMs).toBeGreaterThanOrEqual(contentWrittenAt);
    expect(r.chunks[0]?.atMs).toBe(r.firstTokenMs);
    expect(r.firstByteMs).toBeLessThanOrEqual(r.firstTokenMs ?? -Infinity);
    expect(r.finishReason).toBe("stop");
    expect(r.completionId).toBe("chatcmpl-test");
  });

  it("asks for usage and reconciles multi-token chunks to usage.completion_tokens", async () => {
    const r = await send((_req, res) => {
      startSse(res);
      res.write(chatChunk({ role: "assistant", content: "" }));
      res.write(chatChunk({ content: "Hello" }));
      res.write(chatChunk({ content: ", world" }));
      res.write(chatChunk({ content: "!" }));
      res.end(finishChunk() + usageChunk(6) + DONE);
    });
    expect(server?.bodies[0]).toMatchObject({
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: 16,
    });
    expect(r.ok).toBe(true);
    expect(r.tokenSource).toBe("usage");
    expect(r.outputTokens).toBe(6);
    expect(tokensOf(r)).toEqual([1, 4, 1]);
    expect(r.usage).toEqual({ prompt_tokens: 5, completion_tokens: 6, total_tokens: 11 });
  });

  it("counts tokens per chunk with the heuristic when the server gives no usage", async () => {
    const r = await send((_req, res) => {
      startSse(res);
      res.end(
        chatChunk({ content: "Hello" }) + chatChunk({ content: ", world" }) + finishChunk() + DONE,
      );
    });
    expect(r.ok).toBe(true);
    expect(r.tokenSource).toBe("counted");
    expect(tokensOf(r)).toEqual([1, 2]);
    expect(r.outputTokens).toBe(3);
  });

  it("skips keep-alive comments and reads CRLF events split across TCP writes", async () => {
    const r = await send(async (_req, res) => {
      startSse(res);
      res.write(": keep-alive\r\n\r\n");
      const event = chatChunk({ content: " one" }).replace(/\n/g, "\r\n");
      res.write(event.slice(0, 17));
      await delay(10);
      res.write(event.slice(17));
      res.write(": ping\n\n");
      await delay(10);
      res.write(chatChunk({ content: " two" }).replace(/\n/g, "\r\n"));
      res.end((finishChunk() + usageChunk(2) + DONE).replace(/\n/g, "\r\n"));
    });
    expect(r.ok).toBe(true);
    expect(tokensOf(r)).toEqual([1, 1]);
    expect(r.outputChars).toBe(8);
    expect(r.chunks[1]?.atMs).toBeGreaterThan(r.chunks[0]?.atMs ?? Infinity);
  });

  it("reads the usage-only final chunk with choices: [] and keeps llama.cpp timings", async () => {
    const timings = {
      prompt_n: 5,
      prompt_ms: 12.5,
      predicted_n: 2,
      predicted_ms: 40,
      predicted_per_second: 50,
    };
    const r = await send((_req, res) => {
      startSse(res);
      res.write(chatChunk({ content: "a" }));
      res.write(chatChunk({ content: "b" }));
      res.end(
        `data: ${JSON.stringify({ choices: [{ index: 0, delta: {}, finish_reason: "length" }], timings })}\n\n` +
          usageChunk(2) +
          DONE,
      );
    });
    expect(r.ok).toBe(true);
    expect(r.serverTimings).toEqual(timings);
    expect(r.finishReason).toBe("length");
    expect(r.outputTokens).toBe(2);
  });

  it("falls back to a non-streaming request on 501 and records that TTFT was not measurable", async () => {
    const r = await send((_req, res, body) => {
      if (body.stream === true) {
        res.writeHead(501, { "content-type": "application/json" });
        res.end(JSON.stringify({ detail: "Streaming not implemented" }));
        return;
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          id: "chatcmpl-x",
          choices: [
            {
              index: 0,
              message: { role: "assistant", content: "Hello there" },
              finish_reason: "stop",
            },
          ],
          usage: { prompt_tokens: 3, completion_tokens: 9, total_tokens: 12 },
        }),
      );
    });
    expect(server?.bodies.map((b) => b.stream)).toEqual([true, false]);
    expect(r).toMatchObject({
      ok: true,
      streamed: false,
      streamFallback: true,
      outputTokens: 9,
      tokenSource: "usage",
    });
    expect(r.firstTokenMs).toBeUndefined();
    expect(r.chunks).toEqual([]);
  });

  it("reads a JSON answer to a streaming request as unstreamed", async () => {
    const r = await send((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({ choices: [{ message: { content: "Hi there" }, finish_reason: "stop" }] }),
      );
    });
    expect(r).toMatchObject({ ok: true, streamed: false, tokenSource: "counted", outputTokens: 2 });
  });
});

describe("sendChatCompletion classifies failures instead of measuring them", () => {
  it("a stream cut off midway is truncated_stream", async () => {
    const r = await send(async (_req, res) => {
      startSse(res);
      res.write(chatChunk({ content: "a" }));
      await delay(10);
      res.socket?.destroy();
    });
    expect(r.ok).toBe(false);
    expect(r.error?.class).toBe("truncated_stream");
    expect(r.chunks).toHaveLength(1);
  });

  it("a stream that ends without [DONE] or a finish_reason is truncated_stream", async () => {
    const r = await send((_req, res) => {
      startSse(res);
      res.end(chatChunk({ content: "a" }));
    });
    expect(r.error).toMatchObject({
      class: "truncated_stream",
      message: expect.stringContaining("[DONE]") as string,
    });
  });

  it("HTML instead of an event stream is malformed_response", async () => {
    const r = await send((_req, res) => {
      res.writeHead(200, { "content-type": "text/html" });
      res.end("<html><body>502 Bad Gateway</body></html>");
    });
    expect(r.error).toMatchObject({ class: "malformed_response", status: 200 });
    expect(r.error?.message).toContain("text/html");
  });

  it("HTML instead of JSON for a non-streaming request is malformed_response", async () => {
    const r = await send(
      (_req, res) => {
        res.writeHead(200, { "content-type": "text/html" });
        res.end("<html>oops</html>");
      },
      { stream: false },
    );
    expect(r.error).toMatchObject({ class: "malformed_response" });
    expect(r.error?.message).toContain("<html>oops</html>");
  });

  it("malformed JSON in an SSE event is malformed_stream", async () => {
    const r = await send((_req, res) => {
      startSse(res);
      res.end(chatChunk({ content: "a" }) + "data: {not json\n\n" + DONE);
    });
    expect(r.error).toMatchObject({
      class: "malformed_stream",
      message: expect.stringContaining("not JSON") as string,
    });
  });

  it("an error event inside the stream is malformed_stream with the server's message", async () => {
    const r = await send((_req, res) => {
      startSse(res);
      res.end(`data: ${JSON.stringify({ error: { message: "out of memory" } })}\n\n`);
    });
    expect(r.error?.class).toBe("malformed_stream");
    expect(r.error?.message).toContain("out of memory");
  });

  it("a stalled stream is a timeout", async () => {
    const r = await send(
      (_req, res) => {
        startSse(res);
        res.write(chatChunk({ content: "a" }));
      },
      { timeoutMs: 200 },
    );
    expect(r.error?.class).toBe("timeout");
    expect(r.ok).toBe(false);
  });

  it("a stream kept alive by comments alone hits the deadline as a timeout", async () => {
    const r = await send(
      (_req, res) => {
        startSse(res);
        const timer = setInterval(() => res.write(": keep-alive\n\n"), 20);
        res.on("close", () => clearInterval(timer));
      },
      { deadlineMs: 200, timeoutMs: 10_000 },
    );
    expect(r.error).toMatchObject({
      class: "timeout",
      message: expect.stringContaining("deadline") as string,
    });
  });

  it("no response headers in time is a timeout", async () => {
    const r = await send(() => undefined, { timeoutMs: 200 });
    expect(r.error?.class).toBe("timeout");
    expect(r.firstByteMs).toBeUndefined();
  });

  it("an HTTP error carries its status and the server's detail", async () => {
    const r = await send((_req, res) => {
      res.writeHead(503, { "content-type": "application/json" });
      res.end(JSON.stringify({ detail: "Model not initialized" }));
    });
    expect(r.error).toEqual({
      class: "http_status",
      status: 503,
      message: "HTTP 503: Model not initialized",
    });
    expect(r.outputTokens).toBe(0);
  });

  it("a port nothing listens on is a connect error", async () => {
    const port = await findClosedPort();
    const r = await sendChatCompletion({
      baseUrl: `http://127.0.0.1:${port}`,
      model: "m",
      prompt: PROMPT,
    });
    expect(r).toMatchObject({ ok: false, error: { class: "connect" } });
    expect(r.error?.message).toContain("ECONNREFUSED");
  });

  it("a port that speaks something other than HTTP is malformed_response", async () => {
    const tcp = net.createServer((socket) => {
      socket.on("data", () => socket.end("SSH-2.0-OpenSSH_9.6\r\n"));
    });
    await new Promise<void>((resolve) => tcp.listen(0, "127.0.0.1", resolve));
    const { port } = tcp.address() as AddressInfo;
    try {
      const r = await sendChatCompletion({
        baseUrl: `http://127.0.0.1:${port}`,
        model: "m",
        prompt: PROMPT,
      });
      expect(r.error?.class).toBe("malformed_response");
    } finally {
      await new Promise<void>((resolve) => tcp.close(() => resolve()));
    }
  });

  it("a host that does not resolve is a connect error", async () => {
    const r = await sendChatCompletion({
      baseUrl: "http://no-such-host.invalid:8100",
      model: "m",
      prompt: PROMPT,
    });
    expect(r.error?.class).toBe("connect");
  });

  it("a caller's abort is aborted, not a server failure", async () => {
    const controller = new AbortController();
    const r = await send(
      (_req, res) => {
        startSse(res);
        res.write(chatChunk({ content: "a" }));
        controller.abort();
      },
      { signal: controller.signal },
    );
    expect(r.error?.class).toBe("aborted");
  });

  it("a baseUrl that is not a URL is refused up front, naming the field", async () => {
    await expect(
      sendChatCompletion({ baseUrl: "localhost:8100", model: "m", prompt: PROMPT }),
    ).rejects.toThrow(InvalidMeasureOptionsError);
    await expect(
      sendChatCompletion({ baseUrl: "not a url", model: "m", prompt: PROMPT }),
    ).rejects.toThrow(/^baseUrl: /);
  });
});
