// Measures the measurement client itself: how far its token timestamps are from the reference
// cluster's ground truth at 64 concurrent streams, and how fast it parses SSE compared with a
// minimal raw-socket reader of the same stream in the same run.
import { fork, type ChildProcess } from "node:child_process";
import { createServer, type Server } from "node:http";
import net, { type AddressInfo } from "node:net";
import type { TokenTiming } from "@mlxbench/sim";
import { Agent } from "undici";
import {
  epochNow,
  percentile,
  runLoad,
  sendChatCompletion,
  summarize,
  type RequestRecord,
} from "../src/measure/index.js";

// `npm run bench:client -- 8` measures at another concurrency (the RESULT aim is set at 64).
const STREAMS = Number(process.argv[2] ?? "64");
const GT_REQUESTS = STREAMS * 2;
const SSE_EVENTS = 100_000;
const ROUNDS = 5;

function fmt(n: number, digits = 3): string {
  return n.toFixed(digits);
}

function median(xs: readonly number[]): number {
  return percentile(Float64Array.from(xs).sort(), 50);
}

// ---------------------------------------------------------------- ground truth at 64 streams
interface SimChild {
  apiUrl: string;
  /** Child clock minus this process's clock, ms, and the round trip that bounds its error. */
  offsetMs: number;
  rttMs: number;
  request<T>(message: object, reply: string): Promise<T>;
  stop(): Promise<void>;
}

/** Starts the sim in a child process (its own event loop) and estimates the clock offset NTP-style. */
async function startSimChild(): Promise<SimChild> {
  const child: ChildProcess = fork(new URL("./sim-child.ts", import.meta.url), [String(STREAMS)], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const request = <T>(message: object, reply: string): Promise<T> =>
    new Promise<T>((resolve) => {
      const onMessage = (m: { type: string }): void => {
        if (m.type !== reply) return;
        child.off("message", onMessage);
        resolve(m as T);
      };
      child.on("message", onMessage);
      if (Object.keys(message).length > 0) child.send(message);
    });
  const { apiUrl } = await request<{ apiUrl: string }>({}, "ready");
  let best = { rtt: Infinity, offset: 0 };
  for (let seq = 0; seq < 200; seq++) {
    const sent = epochNow();
    const pong = await request<{ at: number }>({ type: "ping", seq }, "pong");
    const received = epochNow();
    const rtt = received - sent;
    if (rtt < best.rtt) best = { rtt, offset: pong.at - (sent + received) / 2 };
  }
  return {
    apiUrl,
    offsetMs: best.offset,
    rttMs: best.rtt,
    request,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.send({ type: "stop" });
      }),
  };
}

async function measureGroundTruthError(): Promise<{ ttftP99: number; itlP99: number }> {
  const sim = await startSimChild();
  try {
    const result = await runLoad({
      baseUrl: sim.apiUrl,
      load: { kind: "concurrency", concurrency: STREAMS },
      requests: GT_REQUESTS,
      warmupRequests: STREAMS,
      prompts: [
        { name: "short", prompt: "What is the capital of France?", max_tokens: 48 },
        { name: "medium", prompt: "Explain how attention works in a transformer.", max_tokens: 96 },
      ],
    });
    const { timings } = await sim.request<{ timings: (TokenTiming | null)[] }>(
      { type: "truth", ids: result.records.map((r) => r.completionId ?? "") },
      "truth",
    );
    // The sim writes every sequence of a decode step in one synchronous loop and Node's http
    // flushes chunked writes on process.nextTick, so a step's bytes leave at about its last write.
    // A write is triggered by the last token it carries (earlier ones were held back to coalesce).
    const stepFlush = new Map<number, number>();
    for (const t of timings) {
      const tokens = t?.tokens ?? [];
      tokens.forEach((tok, i) => {
        if (tokens[i + 1]?.writtenAt === tok.writtenAt) return;
        stepFlush.set(
          tok.generatedAt,
          Math.max(stepFlush.get(tok.generatedAt) ?? -Infinity, tok.writtenAt - sim.offsetMs),
        );
      });
    }
    const flushErr: number[] = [];
    const ttftErr: number[] = [];
    const itlErr: number[] = [];
    const chunkErr: number[] = [];
    let chunks = 0;
    let countsMatching = 0;
    for (const [k, r] of result.records.entries()) {
      if (!r.ok || r.completionId === undefined)
        throw new Error(`request ${r.id} failed: ${r.error?.message}`);
      const truth = timings[k];
      if (truth === undefined || truth === null)
        throw new Error(`no ground truth for ${r.completionId}`);
      // Tokens written in one res.write form one chunk on the wire.
      const writes: { at: number; tokens: number; flush: number }[] = [];
      for (const t of truth.tokens) {
        const last = writes[writes.length - 1];
        if (last !== undefined && last.at === t.writtenAt - sim.offsetMs) {
          last.tokens++;
          last.flush = stepFlush.get(t.generatedAt) ?? Number.NaN;
        } else
          writes.push({
            at: t.writtenAt - sim.offsetMs,
            tokens: 1,
            flush: stepFlush.get(t.generatedAt) ?? Number.NaN,
          });
      }
      if (writes.length !== r.chunks.length)
        throw new Error(`${r.id}: ${r.chunks.length} chunks seen, ${writes.length} written`);
      ttftErr.push((r.firstTokenMs ?? Number.NaN) - (writes[0]?.at ?? Number.NaN));
      for (let i = 0; i < writes.length; i++) {
        const c = r.chunks[i] as RequestRecord["chunks"][number];
        const w = writes[i] as { at: number; tokens: number };
        chunkErr.push(c.atMs - w.at);
        flushErr.push(c.atMs - (writes[i] as { flush: number }).flush);
        chunks++;
        if (c.tokens === w.tokens) countsMatching++;
        if (i > 0) {
          const pc = r.chunks[i - 1] as RequestRecord["chunks"][number];
          const pw = writes[i - 1] as { at: number; tokens: number };
          itlErr.push(Math.abs(c.atMs - pc.atMs - (w.at - pw.at)));
        }
      }
    }
    const ttft = summarize(ttftErr);
    const itl = summarize(itlErr);
    const arrival = summarize(chunkErr);
    const flush = summarize(flushErr);
    console.log(
      `ground truth, ${STREAMS} concurrent streams, ${result.records.length} requests, ${chunks} chunks`,
    );
    console.log(
      `  sim in a child process; clock offset ${fmt(sim.offsetMs)} ms ± ${fmt(sim.rttMs / 2)} ms (half the best of 200 IPC round trips)`,
    );
    console.log(
      `  TTFT error (client first content chunk − sim write) ms: p50 ${fmt(ttft?.p50 ?? NaN)} p99 ${fmt(ttft?.p99 ?? NaN)} max ${fmt(ttft?.max ?? NaN)}`,
    );
    console.log(
      `  ITL error |client gap − sim gap| ms:                   p50 ${fmt(itl?.p50 ?? NaN)} p99 ${fmt(itl?.p99 ?? NaN)} max ${fmt(itl?.max ?? NaN)}`,
    );
    console.log(
      `  chunk arrival error ms:                                p50 ${fmt(arrival?.p50 ?? NaN)} p99 ${fmt(arrival?.p99 ?? NaN)}`,
    );
    console.log(
      `  chunk arrival − its step's last sim write (≈ flush) ms:  p50 ${fmt(flush?.p50 ?? NaN)} p99 ${fmt(flush?.p99 ?? NaN)}`,
    );
    console.log(
      `  measured TTFT p50 ${fmt(result.metrics.ttftMs?.p50 ?? NaN, 1)} ms, ITL p50 ${fmt(result.metrics.itlMs?.p50 ?? NaN, 2)} ms, ${fmt(result.metrics.outputTokensPerS, 0)} tok/s`,
    );
    console.log(
      `  per-chunk token counts equal to the sim's: ${fmt((100 * countsMatching) / chunks, 1)}% (sums always equal usage)`,
    );
    console.log(
      `  client calibration: event-loop lag p99 ${fmt(result.calibration.eventLoopLagMs?.p99 ?? NaN)} ms, dispatch lag p99 ${fmt(result.calibration.dispatchLagMs?.p99 ?? NaN)} ms, clientLimited ${result.calibration.clientLimited}`,
    );
    return { ttftP99: ttft?.p99 ?? NaN, itlP99: itl?.p99 ?? NaN };
  } finally {
    await sim.stop();
  }
}

// ---------------------------------------------------------------- SSE parsing throughput
function buildStream(events: number): Buffer {
  const parts: string[] = [
    `data: ${JSON.stringify({ id: "chatcmpl-bench", object: "chat.completion.chunk", choices: [{ index: 0, delta: { role: "assistant" }, finish_reason: null }] })}\n\n`,
  ];
  const words = [" the", " model", " splits", " layers", " across", " devices", ",", " and"];
  for (let i = 0; i < events; i++) {
    const chunk = {
      id: "chatcmpl-bench",
      object: "chat.completion.chunk",
      created: 1,
      model: "bench",
      choices: [{ index: 0, delta: { content: words[i % words.length] }, finish_reason: null }],
    };
    parts.push(`data: ${JSON.stringify(chunk)}\n\n`);
  }
  parts.push(
    `data: ${JSON.stringify({ id: "chatcmpl-bench", choices: [{ index: 0, delta: {}, finish_reason: "stop" }] })}\n\n`,
  );
  parts.push(
    `data: ${JSON.stringify({ id: "chatcmpl-bench", choices: [], usage: { prompt_tokens: 1, completion_tokens: events, total_tokens: events + 1 } })}\n\n`,
  );
  parts.push("data: [DONE]\n\n");
  return Buffer.from(parts.join(""));
}

async function startFastSseServer(body: Buffer): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      // Content-Length, not chunked: the raw reader then needs no HTTP framing beyond the headers.
      res.writeHead(200, { "content-type": "text/event-stream", "content-length": body.length });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

/** The reference: node:net, headers skipped, events split on blank lines and JSON.parsed. */
function readRaw(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1");
    const payload = '{"model":"bench","messages":[{"role":"user","content":"x"}],"stream":true}';
    socket.write(
      `POST /v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: ${payload.length}\r\nconnection: close\r\n\r\n${payload}`,
    );
    let headersDone = false;
    let rest: Buffer | null = null;
    let events = 0;
    socket.on("data", (chunk: Buffer) => {
      let buf = rest === null ? chunk : Buffer.concat([rest, chunk]);
      rest = null;
      let pos = 0;
      if (!headersDone) {
        const end = buf.indexOf("\r\n\r\n");
        if (end === -1) {
          rest = buf;
          return;
        }
        headersDone = true;
        pos = end + 4;
      }
      for (;;) {
        const end = buf.indexOf("\n\n", pos);
        if (end === -1) break;
        if (buf[pos + 6] === 0x7b) {
          const event = JSON.parse(buf.toString("utf8", pos + 6, end)) as {
            choices?: { delta?: { content?: string } }[];
          };
          if (typeof event.choices?.[0]?.delta?.content === "string") events++;
        }
        pos = end + 2;
      }
      if (pos < buf.length) rest = Buffer.from(buf.subarray(pos));
      buf = Buffer.alloc(0);
    });
    socket.on("end", () => resolve(events));
    socket.on("error", reject);
  });
}

async function measureParsing(): Promise<{ clientPerS: number; rawPerS: number }> {
  const body = buildStream(SSE_EVENTS);
  const { server, port } = await startFastSseServer(body);
  const dispatcher = new Agent();
  const clientRates: number[] = [];
  const rawRates: number[] = [];
  try {
    const prompt = { name: "bench", prompt: "x", max_tokens: SSE_EVENTS };
    for (let round = 0; round <= ROUNDS; round++) {
      let t = epochNow();
      const record = await sendChatCompletion({
        baseUrl: `http://127.0.0.1:${port}`,
        model: "bench",
        prompt,
        dispatcher,
      });
      const clientMs = epochNow() - t;
      if (!record.ok || record.chunks.length !== SSE_EVENTS)
        throw new Error(`client read ${record.chunks.length} chunks: ${record.error?.message}`);
      t = epochNow();
      const rawEvents = await readRaw(port);
      const rawMs = epochNow() - t;
      if (rawEvents !== SSE_EVENTS) throw new Error(`raw reader read ${rawEvents} events`);
      if (round === 0) continue; // warm-up round: JIT and connection
      clientRates.push(SSE_EVENTS / (clientMs / 1000));
      rawRates.push(SSE_EVENTS / (rawMs / 1000));
    }
  } finally {
    await dispatcher.close();
    server.close();
  }
  const clientPerS = median(clientRates);
  const rawPerS = median(rawRates);
  console.log(
    `SSE parsing, ${SSE_EVENTS} token events per stream (${(body.length / 1e6).toFixed(1)} MB), server in this process, median of ${ROUNDS}`,
  );
  console.log(
    `  client (undici + SseEventParser + records): ${fmt(clientPerS, 0)} events/s  [${clientRates.map((r) => fmt(r, 0)).join(", ")}]`,
  );
  console.log(
    `  raw node:net reader (split + JSON.parse):  ${fmt(rawPerS, 0)} events/s  [${rawRates.map((r) => fmt(r, 0)).join(", ")}]`,
  );
  return { clientPerS, rawPerS };
}

// Three runs of the ground-truth measurement; the median p99 resists one disturbed run.
const trials: { ttftP99: number; itlP99: number }[] = [];
for (let trial = 0; trial < 3; trial++) trials.push(await measureGroundTruthError());
const gt = {
  ttftP99: median(trials.map((t) => t.ttftP99)),
  itlP99: median(trials.map((t) => t.itlP99)),
};
console.log(
  `ground truth, median of ${trials.length} runs: TTFT error p99 ${fmt(gt.ttftP99)} ms, ITL error p99 ${fmt(gt.itlP99)} ms`,
);
const parsing = await measureParsing();
const ratio = parsing.clientPerS / parsing.rawPerS;
console.log(`aims: error p99 ≤ 1 ms, ≥ 150000 events/s, client_vs_raw ≥ 0.5`);
console.log(
  `RESULT ttft_err_p99_ms=${fmt(gt.ttftP99)} itl_err_p99_ms=${fmt(gt.itlP99)} sse_events_per_s=${fmt(parsing.clientPerS, 0)} client_vs_raw=${fmt(ratio)}`,
);
