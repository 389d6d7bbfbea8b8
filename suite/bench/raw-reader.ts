// The raw reference reader for client.bench.ts: node:net sockets on keep-alive connections, and
// nothing in the data callback but a stamp and a push; HTTP framing and SSE are decoded after the
// run. Runs in the bench's main thread, or in a worker thread (raw-reader-thread.ts).
import net from "node:net";
import { epochNow, type PromptSpec, type RequestRecord } from "../src/measure/index.js";

// ---------------------------------------------------------------- the raw reference under ground truth
// The same streams read by the least a reader can do: node:net sockets, keep-alive, and nothing
// in the data callback but a stamp and a push; HTTP framing and SSE are decoded after the run.
// Whatever error it shows against the sim is the floor this machine sets (waking a process,
// scheduling, the runtime), not the client's parsing.

/** What both readers hand to the error computation. */
export type TrialRecord = Pick<
  RequestRecord,
  "id" | "ok" | "completionId" | "firstTokenMs" | "chunks" | "error"
>;

/** One response as the raw reader saw it: every socket read and the time it arrived. */
interface RawResponse {
  reads: Buffer[];
  ats: number[];
}

/** Splits a keep-alive socket's reads into responses: headers, then chunked body up to 0\r\n\r\n. */
class RawConnection {
  private readonly socket: net.Socket;
  private current:
    { response: RawResponse; done: (r: RawResponse) => void; tail: string } | undefined;

  constructor(port: number) {
    this.socket = net.connect(port, "127.0.0.1");
    this.socket.setNoDelay(true);
    this.socket.on("data", (chunk: Buffer) => {
      const at = epochNow();
      const cur = this.current;
      if (cur === undefined) return;
      cur.response.reads.push(chunk);
      cur.response.ats.push(at);
      // The last-chunk marker may straddle reads: keep the last few bytes to look across them.
      cur.tail = (cur.tail + chunk.toString("latin1", Math.max(0, chunk.length - 8))).slice(-8);
      if (cur.tail.endsWith("\r\n0\r\n\r\n")) {
        this.current = undefined;
        cur.done(cur.response);
      }
    });
  }

  send(payload: string): Promise<RawResponse> {
    return new Promise((resolve, reject) => {
      this.current = { response: { reads: [], ats: [] }, done: resolve, tail: "" };
      this.socket.once("error", reject);
      this.socket.write(
        `POST /v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(payload)}\r\n\r\n${payload}`,
      );
    });
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Decodes a raw response after the fact: each content event takes the stamp of the read that completed it. */
function decodeRaw(id: string, raw: RawResponse): TrialRecord {
  const record: TrialRecord = { id, ok: false, chunks: [] };
  let headersDone = false;
  let pending = "";
  let chunkLeft = 0; // bytes left in the current HTTP chunk
  let sizeLine = "";
  let sse = "";
  let sawDone = false;
  for (let k = 0; k < raw.reads.length; k++) {
    let text = pending + (raw.reads[k] as Buffer).toString("latin1");
    pending = "";
    const at = raw.ats[k] as number;
    if (!headersDone) {
      const end = text.indexOf("\r\n\r\n");
      if (end === -1) {
        pending = text;
        continue;
      }
      headersDone = true;
      text = text.slice(end + 4);
    }
    let pos = 0;
    while (pos < text.length) {
      if (chunkLeft > 0) {
        const take = Math.min(chunkLeft, text.length - pos);
        sse += text.slice(pos, pos + take);
        chunkLeft -= take;
        pos += take;
        if (chunkLeft === 0) sizeLine = "\r\n"; // the CRLF after a chunk's data, then the next size
        continue;
      }
      const lf = text.indexOf("\n", pos);
      if (lf === -1) {
        sizeLine += text.slice(pos);
        break;
      }
      sizeLine += text.slice(pos, lf + 1);
      pos = lf + 1;
      const size = sizeLine.trim();
      sizeLine = "";
      if (size !== "") chunkLeft = Number.parseInt(size, 16);
    }
    // SSE events completed by this read
    for (;;) {
      const end = sse.indexOf("\n\n");
      if (end === -1) break;
      const event = Buffer.from(sse.slice(0, end), "latin1").toString("utf8");
      sse = sse.slice(end + 2);
      if (!event.startsWith("data: ")) continue;
      const data = event.slice(6);
      if (data === "[DONE]") {
        sawDone = true;
        continue;
      }
      const parsed = JSON.parse(data) as {
        id?: string;
        choices?: { delta?: { content?: string } }[];
      };
      if (record.completionId === undefined && typeof parsed.id === "string")
        record.completionId = parsed.id;
      const content = parsed.choices?.[0]?.delta?.content;
      if (typeof content === "string" && content.length > 0) {
        record.firstTokenMs ??= at;
        record.chunks.push({ atMs: at, tokens: 0 });
      }
    }
  }
  record.ok = sawDone;
  if (!sawDone) record.error = { class: "truncated_stream", message: "raw reader: no [DONE]" };
  return record;
}

/** Closed-loop load like runLoad's: `streams` connections, each sending its next request when one ends. */
export async function runRawLoad(
  apiUrl: string,
  streams: number,
  requests: number,
  warmup: number,
  prompts: readonly PromptSpec[],
): Promise<{ records: TrialRecord[] }> {
  const models = await fetch(`${apiUrl}/v1/models`).then(
    (r) => r.json() as Promise<{ data: { id: string }[] }>,
  );
  const model = models.data[0]?.id ?? "";
  const port = Number(new URL(apiUrl).port);
  const total = requests + warmup;
  const raws: { n: number; raw: RawResponse }[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: streams }, async () => {
      const connection = new RawConnection(port);
      try {
        while (next < total) {
          const n = next++;
          const prompt = prompts[n % prompts.length] as PromptSpec;
          const payload = JSON.stringify({
            model,
            messages: [{ role: "user", content: prompt.prompt }],
            max_tokens: prompt.max_tokens,
            stream: true,
          });
          raws.push({ n, raw: await connection.send(payload) });
        }
      } finally {
        connection.close();
      }
    }),
  );
  return {
    records: raws
      .filter((r) => r.n >= warmup)
      .sort((a, b) => a.n - b.n)
      .map((r) => decodeRaw(`raw-${r.n}`, r.raw)),
  };
}
