import { readUsage, snippet } from "./chat-stream-reader.js";
import { estimateTokens } from "./estimate-tokens.js";
import type { RequestError, RequestRecord, UsageRecord } from "./request-record.js";

/** Reads a non-streamed answer into `record`; an answer that is not a completion fails. */
export function readJsonAnswer(
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

/** The message of an error answer, from its JSON when it has one. */
export function errorDetail(text: string): string {
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
