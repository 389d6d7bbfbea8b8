import { getGlobalDispatcher, type Dispatcher } from "undici";
import {
  ChatStreamReader,
  MalformedStreamError,
  readUsage,
  snippet,
} from "./chat-stream-reader.js";
import { classifyTransportError, describeError } from "./classify-error.js";
import { epochNow } from "./epoch-now.js";
import { requestStamped, type StampedBody, type StampedResponse } from "./request-stamped.js";
import { countChunkTokens, estimateTokens } from "./estimate-tokens.js";
import { normalizeBaseUrl } from "./normalize-base-url.js";
import type { PromptSpec } from "./prompt-spec.js";
import type { RequestError, RequestRecord, UsageRecord } from "./request-record.js";

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
  dispatcher?: Dispatcher;
  now?: () => number;
}

interface Attempt {
  origin: string;
  path: string;
  stream: boolean;
  opts: SendChatCompletionOptions;
  now: () => number;
  dispatcher: Dispatcher;
}

/**
 * Sends one chat completion and records what the client observed. Never throws for
 * anything the server or the network does: failures come back as a record with `ok: false`
 * and a classified error. Throws InvalidMeasureOptionsError for a baseUrl that is not a URL.
 */
export async function sendChatCompletion(opts: SendChatCompletionOptions): Promise<RequestRecord> {
  const { origin, prefix } = normalizeBaseUrl(opts.baseUrl);
  const now = opts.now ?? epochNow;
  const intendedStartMs = opts.intendedStartMs ?? now();
  const attempt: Attempt = {
    origin,
    path: `${prefix}/v1/chat/completions`,
    stream: opts.stream ?? true,
    opts,
    now,
    dispatcher: opts.dispatcher ?? getGlobalDispatcher(),
  };
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
      res = await requestStamped(
        a.dispatcher,
        {
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
        },
        now,
      );
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

function readStream(
  body: StampedBody,
  record: RequestRecord,
  now: () => number,
  fail: (error: RequestError) => RequestRecord,
): Promise<RequestRecord> {
  const reader = new ChatStreamReader();
  record.streamed = true;
  // Reads were stamped in undici's data callback and come here in the check phase, after every
  // socket read of that loop turn was stamped: parsing one stream never delays another's stamps.
  return new Promise<RequestRecord>((resolve) => {
    const settle = (error: RequestError | undefined, endedAt = now()): void => {
      finishStream(reader, record);
      if (error !== undefined) {
        resolve(fail(error));
        return;
      }
      record.endMs = endedAt;
      record.ok = true;
      resolve(record);
    };
    body.consume({
      onReads(chunks, ats) {
        for (let i = 0; i < chunks.length; i++) {
          try {
            reader.push(chunks[i] as Buffer, ats[i] ?? 0);
          } catch (err) {
            const message = err instanceof MalformedStreamError ? err.message : describeError(err);
            body.destroy(new MalformedStreamError(message));
            settle({ class: "malformed_stream", message });
            return;
          }
        }
      },
      onError(err) {
        settle(classifyTransportError(err, "body"));
      },
      onEnd(at) {
        const reason = reader.incompleteReason();
        settle(
          reason === undefined ? undefined : { class: "truncated_stream", message: reason },
          at,
        );
      },
    });
  });
}

function finishStream(reader: ChatStreamReader, record: RequestRecord): void {
  const completion = reader.usage?.completion_tokens;
  const counts = countChunkTokens(reader.texts, completion);
  let counted = 0;
  let chars = 0;
  for (let i = 0; i < counts.length; i++) {
    const tokens = counts[i] ?? 0;
    counted += tokens;
    chars += reader.texts[i]?.length ?? 0;
    record.chunks.push({ atMs: reader.times[i] ?? 0, tokens });
  }
  const firstTokenMs = reader.times[0];
  if (firstTokenMs !== undefined) record.firstTokenMs = firstTokenMs;
  record.outputChars = chars;
  record.finishReason = reader.finishReason;
  record.outputTokens = completion ?? counted;
  record.tokenSource = completion === undefined ? "counted" : "usage";
  if (reader.completionId !== undefined) record.completionId = reader.completionId;
  if (reader.usage !== undefined) record.usage = reader.usage;
  if (reader.timings !== undefined) record.serverTimings = reader.timings;
}

function readJsonAnswer(
  text: string,
  contentType: string,
  status: number,
  record: RequestRecord,
  now: () => number,
  fail: (error: RequestError) => RequestRecord,
): RequestRecord {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return fail({
      class: "malformed_response",
      status,
      message: `expected JSON${contentType === "" ? "" : `, got ${contentType}`}: ${snippet(text)}`,
    });
  }
  const answer =
    typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : {};
  const choice = Array.isArray(answer.choices) ? (answer.choices[0] as unknown) : undefined;
  if (typeof choice !== "object" || choice === null) {
    return fail({
      class: "malformed_response",
      status,
      message: `no choices in the answer: ${snippet(text)}`,
    });
  }
  const c = choice as Record<string, unknown>;
  const message =
    typeof c.message === "object" && c.message !== null
      ? (c.message as Record<string, unknown>)
      : {};
  const content =
    typeof message.content === "string"
      ? message.content
      : typeof c.text === "string"
        ? c.text
        : "";
  const usage: UsageRecord | undefined =
    typeof answer.usage === "object" && answer.usage !== null ? readUsage(answer.usage) : undefined;
  record.endMs = now();
  record.ok = true;
  record.outputChars = content.length;
  record.finishReason = typeof c.finish_reason === "string" ? c.finish_reason : null;
  if (typeof answer.id === "string") record.completionId = answer.id;
  if (usage !== undefined) record.usage = usage;
  const completion = usage?.completion_tokens;
  record.outputTokens = completion ?? (content.length === 0 ? 0 : estimateTokens(content));
  record.tokenSource = completion === undefined ? "counted" : "usage";
  return record;
}

async function readText(body: StampedBody): Promise<string | undefined> {
  try {
    return await body.text();
  } catch {
    return undefined;
  }
}

function errorDetail(text: string): string {
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed === "object" && parsed !== null) {
      const p = parsed as Record<string, unknown>;
      if (typeof p.detail === "string") return p.detail;
      if (typeof p.error === "object" && p.error !== null) {
        const m = (p.error as Record<string, unknown>).message;
        if (typeof m === "string") return m;
      }
      if (typeof p.error === "string") return p.error;
    }
  } catch {
    // not JSON: show the text itself
  }
  return snippet(text);
}

function headerValue(v: string | string[] | undefined): string {
  return (Array.isArray(v) ? v.join(",") : (v ?? "")).toLowerCase();
}
