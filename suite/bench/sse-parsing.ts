// SSE parsing throughput of the measurement client (its default reader thread, undici, the parser
// and the records) against a minimal node:net reader of the same stream, in the same run.
import { createServer, type Server } from "node:http";
import net, { type AddressInfo } from "node:net";
import { epochNow, percentile, ReaderThread, sendChatCompletion } from "../src/measure/index.js";

const SSE_EVENTS = 100_000;
const ROUNDS = 5;

function fmt(n: number, digits = 3): string {
  return n.toFixed(digits);
}

function median(xs: readonly number[]): number {
  return percentile(Float64Array.from(xs).sort(), 50);
}

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

export async function measureParsing(): Promise<{ clientPerS: number; rawPerS: number }> {
  const body = buildStream(SSE_EVENTS);
  const { server, port } = await startFastSseServer(body);
  const reader = await ReaderThread.start();
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
        reader,
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
    await reader.close();
    server.close();
  }
  const clientPerS = median(clientRates);
  const rawPerS = median(rawRates);
  console.log(
    `SSE parsing, ${SSE_EVENTS} token events per stream (${(body.length / 1e6).toFixed(1)} MB), server in this process, median of ${ROUNDS}`,
  );
  console.log(
    `  client (reader thread + undici + SseEventParser + records): ${fmt(clientPerS, 0)} events/s  [${clientRates.map((r) => fmt(r, 0)).join(", ")}]`,
  );
  console.log(
    `  raw node:net reader (split + JSON.parse):  ${fmt(rawPerS, 0)} events/s  [${rawRates.map((r) => fmt(r, 0)).join(", ")}]`,
  );
  return { clientPerS, rawPerS };
}
