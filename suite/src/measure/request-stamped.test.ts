import type { ServerResponse } from "node:http";
import { Agent } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { requestStamped, type StampedRequestOptions } from "./request-stamped.js";
import { startSse, startTestServer, type TestServer } from "./testing/start-test-server.js";

let server: TestServer | undefined;
let agent: Agent | undefined;
afterEach(async () => {
  await agent?.close();
  await server?.close();
  agent = undefined;
  server = undefined;
});

function options(path = "/", signal?: AbortSignal): StampedRequestOptions {
  const opts: StampedRequestOptions = {
    origin: server?.url ?? "",
    path,
    method: "POST",
    headers: { "content-type": "application/json" },
    body: "{}",
    headersTimeout: 5_000,
    bodyTimeout: 5_000,
  };
  if (signal !== undefined) opts.signal = signal;
  return opts;
}

/** A clock that counts its calls and logs them, so tests see the order of stamps and parsing. */
function loggingClock(log: string[]): () => number {
  let t = 0;
  return () => {
    log.push("stamp");
    return ++t;
  };
}

describe("requestStamped", () => {
  it("stamps the reads of every stream that arrived in one loop turn before any of them is parsed", async () => {
    const held: ServerResponse[] = [];
    let bothHeld: () => void = () => undefined;
    const ready = new Promise<void>((resolve) => (bothHeld = resolve));
    server = await startTestServer((_req, res) => {
      startSse(res);
      held.push(res);
      if (held.length === 2) bothHeld();
    });
    agent = new Agent({ connections: null });
    const log: string[] = [];
    const now = loggingClock(log);
    const responses = await Promise.all([
      requestStamped(agent, options("/a"), now),
      requestStamped(agent, options("/b"), now),
    ]);
    await ready;
    log.length = 0; // the headers' stamps
    let parsed = 0;
    let bothParsed: () => void = () => undefined;
    const twoParses = new Promise<void>((resolve) => (bothParsed = resolve));
    const done = responses.map(
      (res, k) =>
        new Promise<void>((resolve, reject) =>
          res.body.consume({
            onReads: (chunks) => {
              log.push(`parse ${k}: ${chunks.length} reads`);
              if (++parsed === 2) bothParsed();
            },
            onEnd: () => resolve(),
            onError: reject,
          }),
        ),
    );
    const allDone = Promise.all(done);
    allDone.catch(() => undefined); // awaited below; a failed expectation must not leave it unhandled
    // both streams' bytes reach the client's sockets before its next poll
    for (const res of held) {
      res.write("data: {}\n\n");
      res.socket?.uncork();
    }
    await twoParses;
    for (const res of held) res.end();
    await allDone;
    expect(log.slice(0, 2)).toEqual(["stamp", "stamp"]);
    expect(log.slice(2, 4).sort()).toEqual(["parse 0: 1 reads", "parse 1: 1 reads"]);
  });

  it("gives each read the stamp taken when it arrived, and keeps reads that came with the headers", async () => {
    server = await startTestServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write("data: first\n\n"); // goes out with the headers
      setTimeout(() => res.end("data: second\n\n"), 30);
    });
    agent = new Agent();
    const log: string[] = [];
    const res = await requestStamped(agent, options(), loggingClock(log));
    const reads: { text: string; at: number }[] = [];
    const endedAt = await new Promise<number>((resolve, reject) =>
      res.body.consume({
        onReads: (chunks, ats) =>
          chunks.forEach((c, i) => reads.push({ text: c.toString(), at: ats[i] ?? -1 })),
        onEnd: resolve,
        onError: reject,
      }),
    );
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe("text/event-stream");
    expect(reads.map((r) => r.text).join("")).toBe("data: first\n\ndata: second\n\n");
    // stamps 1 (headers) and 2 (first read) were taken before the consumer existed
    expect(res.headersAt).toBe(1);
    expect(reads[0]?.at).toBe(2);
    expect(reads.at(-1)?.at).toBe(3);
    expect(endedAt).toBe(4); // the end is stamped on arrival too
    expect(log).toHaveLength(4);
  });

  it("pipeTo hands each read to the sink inside the data callback, right after its stamp", async () => {
    server = await startTestServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write("data: first\n\n"); // goes out with the headers, before the sink exists
      setTimeout(() => res.write("data: second\n\n"), 20);
      setTimeout(() => res.end("data: third\n\n"), 40);
    });
    agent = new Agent();
    const log: string[] = [];
    const res = await requestStamped(agent, options(), loggingClock(log));
    const reads: { text: string; at: number }[] = [];
    const endedAt = await new Promise<number>((resolve, reject) =>
      res.body.pipeTo({
        onRead: (chunk, at) => {
          log.push("sink");
          reads.push({ text: chunk.toString(), at });
        },
        onEnd: resolve,
        onError: reject,
      }),
    );
    expect(reads.map((r) => r.text).join("")).toBe(
      "data: first\n\ndata: second\n\ndata: third\n\n",
    );
    expect(reads.map((r) => r.at)).toEqual(reads.map((_r, i) => i + 2)); // 1 is the headers' stamp
    expect(endedAt).toBe(reads.length + 2);
    // the read that came with the headers reached the sink in pipeTo; every later one inside
    // the data callback, before the next stamp was taken
    expect(log.slice(2)).toEqual([
      "sink",
      ...reads.slice(1).flatMap(() => ["stamp", "sink"]),
      "stamp",
    ]);
    expect(() => res.body.consume({ onReads: () => 0, onEnd: () => 0, onError: () => 0 })).toThrow(
      "one consumer",
    );
  });

  it("pipeTo passes a body error to the sink", async () => {
    server = await startTestServer((_req, res) => {
      startSse(res);
      res.write("data: partial\n\n");
      setTimeout(() => res.socket?.destroy(), 20);
    });
    agent = new Agent();
    const res = await requestStamped(agent, options(), () => 0);
    const error = await new Promise<Error | undefined>((resolve) =>
      res.body.pipeTo({
        onRead: () => undefined,
        onEnd: () => resolve(undefined),
        onError: resolve,
      }),
    );
    expect(error).toBeInstanceOf(Error);
  });

  it("text() decodes a UTF-8 character split across two reads", async () => {
    const bytes = Buffer.from("héllo", "utf8");
    server = await startTestServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write(bytes.subarray(0, 2)); // ends inside "é"
      setTimeout(() => res.end(bytes.subarray(2)), 20);
    });
    agent = new Agent();
    const res = await requestStamped(agent, options(), () => 0);
    expect(await res.body.text()).toBe("héllo");
  });

  it("an abort before the headers rejects at once with the caller's reason", async () => {
    server = await startTestServer(() => undefined); // never answers
    agent = new Agent();
    const controller = new AbortController();
    const pending = requestStamped(agent, options("/", controller.signal), () => 0);
    setTimeout(() => controller.abort(new Error("caller gave up")), 20);
    await expect(pending).rejects.toThrow("caller gave up");
  });

  it("an already aborted signal rejects without sending", async () => {
    server = await startTestServer((_req, res) => {
      res.end("{}");
    });
    agent = new Agent();
    const controller = new AbortController();
    controller.abort(new Error("too late"));
    await expect(requestStamped(agent, options("/", controller.signal), () => 0)).rejects.toThrow(
      "too late",
    );
    expect(server.bodies).toHaveLength(0);
  });

  it("destroy() closes the connection and delivers nothing more", async () => {
    let closed: () => void = () => undefined;
    const serverSawClose = new Promise<void>((resolve) => (closed = resolve));
    server = await startTestServer((_req, res) => {
      startSse(res);
      res.on("close", closed);
      const timer = setInterval(() => res.write("data: more\n\n"), 5);
      res.on("close", () => clearInterval(timer));
    });
    agent = new Agent();
    const res = await requestStamped(agent, options(), () => 0);
    let reads = 0;
    let after = 0;
    let destroyed = false;
    const outcome: string[] = [];
    res.body.consume({
      onReads: (chunks) => {
        if (destroyed) after += chunks.length;
        reads += chunks.length;
        destroyed = true;
        res.body.destroy(new Error("enough"));
      },
      onEnd: () => outcome.push("end"),
      onError: () => outcome.push("error"),
    });
    await serverSawClose;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(reads).toBeGreaterThan(0);
    expect(after).toBe(0);
    expect(outcome).toEqual([]);
  });

  it("a body error after the headers reaches the consumer", async () => {
    server = await startTestServer((_req, res) => {
      startSse(res);
      res.write("data: partial\n\n");
      setTimeout(() => res.socket?.destroy(), 20);
    });
    agent = new Agent();
    const res = await requestStamped(agent, options(), () => 0);
    await expect(res.body.text()).rejects.toThrow();
  });
});
