import type { ServerResponse } from "node:http";
import { startTestServer, type TestServer } from "../measure/testing/start-test-server.js";

// A stand-in for llama.cpp's llama-server on a real socket, answering in its shapes (server
// README): /health 503 {"error":{…"Loading model"…}} while loading, then 200 {"status":"ok"};
// /v1/models; streamed chat chunks whose last one carries `usage` and `timings`; 404 for the
// MLX cluster's own endpoints (/distributed/status, /gpu/info …), which llama.cpp does not have.

export interface LlamaLikeServerOptions {
  /** How many /health requests are answered 503 "Loading model" first. */
  loadingAnswers?: number;
  /** Delay between two streamed tokens, and what `timings` reports per token. */
  tokenMs?: number;
  /** What `timings.prompt_ms` reports, and the delay before the first token. */
  promptMs?: number;
  model?: string;
  /** Most tokens per answer, whatever max_tokens asks (default 32). */
  maxTokens?: number;
  /** llama-server's --parallel: answers beyond this many wait for a free slot (default: no limit). */
  slots?: number;
}

export interface LlamaLikeServer extends TestServer {
  /** Requests per path, e.g. `{"/health": 3}`. */
  hits: Record<string, number>;
}

const NOT_FOUND = { error: { code: 404, message: "File Not Found", type: "not_found_error" } };

export async function startLlamaLikeServer(
  o: LlamaLikeServerOptions = {},
): Promise<LlamaLikeServer> {
  const tokenMs = o.tokenMs ?? 2;
  const promptMs = o.promptMs ?? 3;
  const model = o.model ?? "tiny-llama-q4.gguf";
  const hits: Record<string, number> = {};
  let completions = 0;
  const slots = createSlots(o.slots ?? Number.POSITIVE_INFINITY);
  const server = await startTestServer(async (req, res, body) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    hits[path] = (hits[path] ?? 0) + 1;
    if (req.method === "GET" && path === "/health") {
      if ((hits[path] ?? 0) <= (o.loadingAnswers ?? 1))
        return json(res, 503, {
          error: { code: 503, message: "Loading model", type: "unavailable_error" },
        });
      return json(res, 200, { status: "ok" });
    }
    if (req.method === "GET" && path === "/v1/models")
      return json(res, 200, {
        object: "list",
        data: [{ id: model, object: "model", created: 1, owned_by: "llamacpp" }],
      });
    if (req.method === "POST" && path === "/v1/chat/completions") {
      completions += 1;
      const id = `chatcmpl-${completions}`;
      const n = Math.max(1, Math.min(Number(body.max_tokens ?? 8) || 8, o.maxTokens ?? 32));
      await slots.acquire();
      try {
        await answer(res, body.stream === true, { id, n, model, promptMs, tokenMs });
      } finally {
        slots.release();
      }
      return;
    }
    return json(res, 404, NOT_FOUND);
  });
  return Object.assign(server, { hits });
}

interface Answer {
  id: string;
  n: number;
  model: string;
  promptMs: number;
  tokenMs: number;
}

/** One chat completion in llama.cpp's shapes, streamed or not. */
async function answer(res: ServerResponse, stream: boolean, a: Answer): Promise<void> {
  const { id, n, model, promptMs, tokenMs } = a;
  const timings = {
    prompt_n: 12,
    prompt_ms: promptMs,
    prompt_per_token_ms: promptMs / 12,
    predicted_n: n,
    predicted_ms: tokenMs * n,
    predicted_per_token_ms: tokenMs,
    predicted_per_second: 1000 / tokenMs,
  };
  const usage = { prompt_tokens: 12, completion_tokens: n, total_tokens: 12 + n };
  if (!stream) {
    await sleep(promptMs + tokenMs * n);
    return json(res, 200, {
      id,
      object: "chat.completion",
      created: 1,
      model,
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: words(n) },
          finish_reason: "length",
        },
      ],
      usage,
      timings,
    });
  }
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  const chunk = (delta: object, finish: string | null, extra: object = {}): boolean =>
    res.write(
      `data: ${JSON.stringify({ choices: [{ finish_reason: finish, index: 0, delta }], created: 1, id, model, object: "chat.completion.chunk", ...extra })}\n\n`,
    );
  chunk({ role: "assistant", content: null }, null);
  await sleep(promptMs);
  for (let i = 0; i < n; i++) {
    if (i > 0) await sleep(tokenMs);
    chunk({ content: ` w${i}` }, null);
  }
  chunk({}, "length", { usage, timings });
  res.end("data: [DONE]\n\n");
}

/** A counting semaphore: llama-server's slots. */
function createSlots(size: number): { acquire(): Promise<void>; release(): void } {
  let free = size;
  const waiting: (() => void)[] = [];
  return {
    acquire: () =>
      free > 0
        ? ((free -= 1), Promise.resolve())
        : new Promise<void>((resolve) => waiting.push(resolve)),
    release: () => {
      const next = waiting.shift();
      if (next) next();
      else free += 1;
    },
  };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

function words(n: number): string {
  return Array.from({ length: n }, (_, i) => `w${i}`).join(" ");
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
