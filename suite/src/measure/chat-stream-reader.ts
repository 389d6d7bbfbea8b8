import { SseEventParser } from "./sse-event-parser.js";
import type { UsageRecord } from "./request-record.js";

/** An SSE event the client cannot read as an OpenAI chat chunk. */
export class MalformedStreamError extends Error {
  override readonly name = "MalformedStreamError";
}

/**
 * Reads an OpenAI chat-completions SSE stream. Every socket read is stamped once on arrival
 * and that stamp is given to each content chunk it completes. Handles the quirks of real
 * servers: a role-only first chunk (no content, so not a token), several tokens in one
 * chunk, `: keep-alive` comments, a usage-only final chunk with `choices: []`, llama.cpp's
 * `timings` object, and `data: [DONE]`.
 */
export class ChatStreamReader {
  readonly texts: string[] = [];
  readonly times: number[] = [];
  finishReason: string | null = null;
  completionId: string | undefined;
  usage: UsageRecord | undefined;
  timings: Record<string, number> | undefined;
  done = false;
  private readonly parser = new SseEventParser((data) => this.takeEvent(data));
  private readAt = 0;

  push(chunk: Buffer, atMs: number): void {
    this.readAt = atMs;
    this.parser.push(chunk);
  }

  /** Why the stream, having ended, is not a complete answer; undefined when it is. */
  incompleteReason(): string | undefined {
    if (this.done) return undefined;
    if (this.parser.hasPartialEvent()) return "stream ended inside an event";
    if (this.finishReason !== null) return undefined;
    return "stream ended before data: [DONE] and without a finish_reason";
  }

  get keepAliveComments(): number {
    return this.parser.comments;
  }

  private takeEvent(data: string): void {
    if (this.done) return;
    if (data === "[DONE]") {
      this.done = true;
      return;
    }
    let event: unknown;
    try {
      event = JSON.parse(data);
    } catch (err) {
      throw new MalformedStreamError(`event is not JSON: ${snippet(data)}`, { cause: err });
    }
    if (typeof event !== "object" || event === null || Array.isArray(event)) {
      throw new MalformedStreamError(`event is not a JSON object: ${snippet(data)}`);
    }
    const e = event as Record<string, unknown>;
    if (e.error !== undefined) {
      throw new MalformedStreamError(
        `server sent an error event: ${snippet(JSON.stringify(e.error))}`,
      );
    }
    if (this.completionId === undefined && typeof e.id === "string") this.completionId = e.id;
    const choices = e.choices;
    if (choices !== undefined && !Array.isArray(choices)) {
      throw new MalformedStreamError(`choices is not an array: ${snippet(data)}`);
    }
    if (choices !== undefined) {
      for (const choice of choices as unknown[]) this.takeChoice(choice);
    }
    if (typeof e.usage === "object" && e.usage !== null) this.usage = readUsage(e.usage);
    if (typeof e.timings === "object" && e.timings !== null) this.timings = readNumbers(e.timings);
  }

  private takeChoice(choice: unknown): void {
    if (typeof choice !== "object" || choice === null) return;
    const c = choice as Record<string, unknown>;
    // n is 1 for a benchmark; any other index belongs to a request we did not make.
    if (typeof c.index === "number" && c.index !== 0) return;
    let text = "";
    const delta = c.delta;
    if (typeof delta === "object" && delta !== null) {
      const d = delta as Record<string, unknown>;
      // Reasoning models stream generated tokens in reasoning_content before content.
      if (typeof d.reasoning_content === "string") text += d.reasoning_content;
      else if (typeof d.reasoning === "string") text += d.reasoning;
      if (typeof d.content === "string") text += d.content;
    } else if (typeof c.text === "string") {
      text = c.text;
    }
    if (text.length > 0) {
      this.texts.push(text);
      this.times.push(this.readAt);
    }
    if (typeof c.finish_reason === "string") this.finishReason = c.finish_reason;
  }
}

export function readUsage(value: object): UsageRecord {
  const u = value as Record<string, unknown>;
  const usage: UsageRecord = {};
  if (isCount(u.prompt_tokens)) usage.prompt_tokens = u.prompt_tokens;
  if (isCount(u.completion_tokens)) usage.completion_tokens = u.completion_tokens;
  if (isCount(u.total_tokens)) usage.total_tokens = u.total_tokens;
  return usage;
}

function readNumbers(value: object): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(value))
    if (typeof v === "number" && Number.isFinite(v)) out[k] = v;
  return out;
}

function isCount(v: unknown): v is number {
  return typeof v === "number" && Number.isInteger(v) && v >= 0;
}

export function snippet(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}
