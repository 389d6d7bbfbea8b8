import { expect } from "vitest";

// Helpers for tests that read the sim over real sockets.

export interface SseEvent {
  /** The data: payload, or null for a comment line. */
  data: string | null;
  comment?: string;
}

/** Splits an SSE body into events (blank-line separated); comment lines are kept as such. */
export function parseSse(body: string): SseEvent[] {
  return body
    .split("\n\n")
    .filter((block) => block.length > 0)
    .map((block) => {
      if (block.startsWith(":")) return { data: null, comment: block.slice(1).trim() };
      const lines = block.split("\n").filter((l) => l.startsWith("data:"));
      return { data: lines.map((l) => l.slice(5).trimStart()).join("\n") };
    });
}

/** Reads a response body to the end, or as far as it got when the connection broke. */
export async function readAll(res: Response): Promise<{ text: string; error?: Error }> {
  const reader = res.body?.getReader();
  if (!reader) return { text: "" };
  const decoder = new TextDecoder();
  let text = "";
  try {
    for (;;) {
      const { done, value } = (await reader.read()) as { done: boolean; value?: Uint8Array };
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    return { text };
  } catch (error) {
    return { text, error: error as Error };
  }
}

/** Tokens in a streamed content piece: the sim's tokens are words. */
export function countWords(content: string): number {
  return content.split(/\s+/).filter((w) => w.length > 0).length;
}

// vitest's asymmetric matchers are typed `any`; these hand them out as `unknown` for strict lint.
export const anyString = expect.any(String) as unknown;
export const anyNumber = expect.any(Number) as unknown;
export const containing = (text: string): unknown => expect.stringContaining(text) as unknown;
export const matching = (pattern: RegExp): unknown => expect.stringMatching(pattern) as unknown;
export const arrayContaining = (items: unknown[]): unknown =>
  expect.arrayContaining(items) as unknown;
