import { describe, expect, it } from "vitest";
import { SseEventParser } from "./sse-event-parser.js";

function parseAll(pieces: readonly Buffer[]): { events: string[]; parser: SseEventParser } {
  const events: string[] = [];
  const parser = new SseEventParser((d) => events.push(d));
  for (const p of pieces) parser.push(p);
  return { events, parser };
}

const STREAM =
  'data: {"a":"héllo 世界"}\n\n: keep-alive\n\ndata: {"b":2}\r\n\r\nevent: message\nid: 7\ndata: [DONE]\n\n';
const EXPECTED = ['{"a":"héllo 世界"}', '{"b":2}', "[DONE]"];

describe("SseEventParser", () => {
  it("reads LF and CRLF events, skips comments and other fields", () => {
    const { events, parser } = parseAll([Buffer.from(STREAM)]);
    expect(events).toEqual(EXPECTED);
    expect(parser.comments).toBe(1);
    expect(parser.hasPartialEvent()).toBe(false);
  });

  it("gives the same events whatever byte the stream is split at, including inside a UTF-8 character", () => {
    const bytes = Buffer.from(STREAM);
    for (let cut = 1; cut < bytes.length; cut++) {
      const { events } = parseAll([bytes.subarray(0, cut), bytes.subarray(cut)]);
      expect(events, `split at byte ${cut}`).toEqual(EXPECTED);
    }
  });

  it("gives the same events when fed one byte at a time", () => {
    const bytes = Buffer.from(STREAM);
    const pieces = Array.from(bytes, (b) => Buffer.from([b]));
    expect(parseAll(pieces).events).toEqual(EXPECTED);
  });

  it("joins several data lines of one event with a newline", () => {
    expect(parseAll([Buffer.from("data: one\ndata:two\n\n")]).events).toEqual(["one\ntwo"]);
  });

  it("reports an event cut off before its blank line", () => {
    const { events, parser } = parseAll([Buffer.from('data: {"a":1}\n\ndata: {"b"')]);
    expect(events).toEqual(['{"a":1}']);
    expect(parser.hasPartialEvent()).toBe(true);
  });

  it("does not keep a reference to the caller's buffer for a partial line", () => {
    const events: string[] = [];
    const parser = new SseEventParser((d) => events.push(d));
    const first = Buffer.from("data: ab");
    parser.push(first);
    first.fill(0x21); // the HTTP stack may reuse its buffer
    parser.push(Buffer.from("c\n\n"));
    expect(events).toEqual(["abc"]);
  });
});
