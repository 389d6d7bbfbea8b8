import { getGlobalDispatcher, type Dispatcher } from "undici";
import { snippet } from "./chat-stream-reader.js";
import { classifyTransportError } from "./classify-error.js";
import { epochNow } from "./epoch-now.js";
import { InvalidMeasureOptionsError } from "./errors.js";
import {
  requestStamped,
  type StampedBody,
  type StampedRequestOptions,
  type StampedResponse,
} from "./request-stamped.js";
import { ReaderThread } from "./reader-thread.js";
import { normalizeBaseUrl } from "./normalize-base-url.js";
import type { PromptSpec } from "./prompt-spec.js";
import { readStream } from "./read-chat-stream.js";
import { errorDetail, readJsonAnswer } from "./read-json-answer.js";
import type { RequestError, RequestRecord } from "./request-record.js";

export interface SendChatCompletionOptions {
  baseUrl: string;
  model: string;
  prompt: PromptSpec;
  /** Ask for an SSE stream (with stream_options.include_usage). Default true. */
  stream?: boolean;
  /** Repeat a streaming request without streaming when it is answered 501. Default true. */
  fallbackOn501?: boolean;
  id?: string;
  /** When the schedule meant this request to start; default: now. */
  intendedStartMs?: number;
  /** Idle timeout: longest wait for headers or between two reads of the body. Default 60 s. */
  timeoutMs?: number;
  /** Longest a whole request may take, keep-alive comments or not. Default none. */
  deadlineMs?: number;
  temperature?: number;
  signal?: AbortSignal;
  /**
   * Where the response is read and stamped: "thread" (a worker_thread, so this thread's GC and
   * parsing cannot delay a stamp) or "main" (undici's callback on this thread). Default "thread",
   * or "main" when a dispatcher or clock is given (they live on this thread).
   */
  readIn?: ReadIn;
  /** A reader thread to share between requests; without it each request starts its own. */
  reader?: ReaderThread;
  dispatcher?: Dispatcher;
  now?: () => number;
}

export type ReadIn = "thread" | "main";

/** Where a caller's options put the reading; throws when they ask for a thread they cannot have. */
export function resolveReadIn(opts: {
  readIn?: ReadIn | undefined;
  dispatcher?: unknown;
  now?: unknown;
}): ReadIn {
  const injected = opts.dispatcher !== undefined || opts.now !== undefined;
  if (opts.readIn === undefined) return injected ? "main" : "thread";
  if (opts.readIn !== "thread" && opts.readIn !== "main")
    throw new InvalidMeasureOptionsError(
      "readIn",
      `must be "thread" or "main", got ${JSON.stringify(opts.readIn)}`,
    );
  if (opts.readIn === "thread" && injected)
    throw new InvalidMeasureOptionsError(
      "readIn",
      `"thread" reads with the thread's own HTTP pool and clock; a caller's ${opts.dispatcher !== undefined ? "dispatcher" : "clock (now)"} needs readIn "main"`,
    );
  return opts.readIn;
}

interface Attempt {
  origin: string;
  path: string;
  stream: boolean;
  opts: SendChatCompletionOptions;
  now: () => number;
  request: (o: StampedRequestOptions) => Promise<StampedResponse>;
}

/**
 * Sends one chat completion and records what the client observed. Never throws for
 * anything the server or the network does: failures come back as a record with `ok: false`
 * and a classified error. Throws InvalidMeasureOptionsError for a baseUrl that is not a URL.
 */
export async function sendChatCompletion(opts: SendChatCompletionOptions): Promise<RequestRecord> {
  const { origin, prefix } = normalizeBaseUrl(opts.baseUrl);
  const now = opts.now ?? epochNow;
  const readIn = resolveReadIn(opts);
  let ownReader: ReaderThread | undefined;
  let request: Attempt["request"];
  if (readIn === "main") {
    const dispatcher = opts.dispatcher ?? getGlobalDispatcher();
    request = (o) => requestStamped(dispatcher, o, now);
  } else {
    const reader = opts.reader ?? (ownReader = await ReaderThread.start());
    request = (o) => reader.request(o);
  }
  // Default start: now, once a thread of its own (if any) is up.
  const intendedStartMs = opts.intendedStartMs ?? now();
  try {
    return await sendWithFallback(
      {
        origin,
        path: `${prefix}/v1/chat/completions`,
        stream: opts.stream ?? true,
        opts,
        now,
        request,
      },
      intendedStartMs,
    );
  } finally {
    await ownReader?.close();
  }
}

async function sendWithFallback(attempt: Attempt, intendedStartMs: number): Promise<RequestRecord> {
  const { opts } = attempt;
  const first = await sendOnce(attempt, intendedStartMs);
  if (
    attempt.stream &&
    first.error?.class === "http_status" &&
    first.error.status === 501 &&
    opts.fallbackOn501 !== false
  ) {
    const second = await sendOnce({ ...attempt, stream: false }, intendedStartMs);
    second.streamFallback = true;
    return second;
  }
  return first;
}

async function sendOnce(a: Attempt, intendedStartMs: number): Promise<RequestRecord> {
  const { opts, now } = a;
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const record: RequestRecord = {
    id: opts.id ?? "request",
    promptName: opts.prompt.name,
    intendedStartMs,
    sentMs: 0,
    chunks: [],
    endMs: 0,
    outputTokens: 0,
    tokenSource: "counted",
    finishReason: null,
    ok: false,
    streamed: false,
    outputChars: 0,
  };
  const body: Record<string, unknown> = {
    model: opts.model,
    messages: [{ role: "user", content: opts.prompt.prompt }],
    max_tokens: opts.prompt.max_tokens,
    stream: a.stream,
  };
  if (a.stream) body.stream_options = { include_usage: true };
  if (opts.temperature !== undefined) body.temperature = opts.temperature;

  const controller = new AbortController();
  let stopped: "deadline" | "caller" | undefined;
  const onCallerAbort = (): void => {
    stopped ??= "caller";
    controller.abort(opts.signal?.reason);
  };
  if (opts.signal?.aborted === true) stopped = "caller";
  opts.signal?.addEventListener("abort", onCallerAbort, { once: true });
  const deadline =
    opts.deadlineMs === undefined
      ? undefined
      : setTimeout(() => {
          stopped ??= "deadline";
          controller.abort(new Error(`deadline of ${opts.deadlineMs} ms passed`));
        }, opts.deadlineMs);

  const fail = (error: RequestError): RequestRecord => {
    record.endMs = now();
    record.ok = false;
    if (stopped === "caller") record.error = { class: "aborted", message: "aborted by the caller" };
    else if (stopped === "deadline")
      record.error = { class: "timeout", message: `deadline of ${opts.deadlineMs} ms passed` };
    else record.error = error;
    return record;
  };

  try {
    if (stopped === "caller") return fail({ class: "aborted", message: "aborted by the caller" });
    record.sentMs = now();
    let res: StampedResponse;
    try {
      res = await a.request({
        origin: a.origin,
        path: a.path,
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: a.stream ? "text/event-stream" : "application/json",
        },
        body: JSON.stringify(body),
        signal: controller.signal,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
    } catch (err) {
      return fail(classifyTransportError(err, "before_headers"));
    }
    record.firstByteMs = res.headersAt;
    const contentType = headerValue(res.headers["content-type"]);

    if (res.statusCode < 200 || res.statusCode >= 300) {
      const text = await readText(res.body);
      return fail({
        class: "http_status",
        status: res.statusCode,
        message: `HTTP ${res.statusCode}${text === undefined ? "" : `: ${errorDetail(text)}`}`,
      });
    }
    if (a.stream && contentType.includes("text/event-stream")) {
      return await readStream(res.body, record, now, fail);
    }
    if (a.stream && contentType !== "" && !contentType.includes("application/json")) {
      const text = await readText(res.body);
      return fail({
        class: "malformed_response",
        status: res.statusCode,
        message: `expected text/event-stream, got ${contentType}: ${snippet(text ?? "")}`,
      });
    }
    // Non-streaming by request, or a server that ignored stream: true and answered JSON.
    let text: string;
    try {
      text = await res.body.text();
    } catch (err) {
      return fail(classifyTransportError(err, "body"));
    }
    return readJsonAnswer(text, contentType, res.statusCode, record, now, fail);
  } finally {
    if (deadline !== undefined) clearTimeout(deadline);
    opts.signal?.removeEventListener("abort", onCallerAbort);
  }
}

async function readText(body: StampedBody): Promise<string | undefined> {
  try {
    return await body.text();
  } catch {
    return undefined;
  }
}

function headerValue(v: string | string[] | undefined): string {
  return (Array.isArray(v) ? v.join(",") : (v ?? "")).toLowerCase();
}
