import { Worker } from "node:worker_threads";

export interface PacedSseOptions {
  /** Delay before the first content chunk, ms. */
  ttftMs: number;
  /** Delay between content chunks, ms. */
  itlMs: number;
  /** Content chunks per answer (one token each). */
  tokens: number;
}

export interface PacedSseServer {
  url: string;
  close(): Promise<void>;
}

// Plain JavaScript: the worker needs no TypeScript loader, and its event loop is its own, so a
// busy main thread in the test cannot delay what the server writes or when.
const SERVER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { createServer } = require("node:http");
const { ttftMs, itlMs, tokens } = workerData;
const event = (o) => "data: " + JSON.stringify(o) + "\\n\\n";
const chunk = (delta, finish) =>
  event({ id: "chatcmpl-paced", object: "chat.completion.chunk", choices: [{ index: 0, delta, finish_reason: finish }] });
const server = createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    parentPort.postMessage("request");
    res.writeHead(200, { "content-type": "text/event-stream" });
    res.write(chunk({ role: "assistant" }, null));
    let sent = 0;
    const next = () => {
      res.write(chunk({ content: " t" + sent }, null));
      if (++sent < tokens) return void setTimeout(next, itlMs);
      res.end(chunk({}, "stop") + event({ id: "chatcmpl-paced", choices: [], usage: { prompt_tokens: 1, completion_tokens: tokens, total_tokens: tokens + 1 } }) + "data: [DONE]\\n\\n");
    };
    setTimeout(next, ttftMs);
  });
});
server.listen(0, "127.0.0.1", () => parentPort.postMessage(server.address().port));
parentPort.on("message", () => server.close(() => process.exit(0)));
`;

/** An SSE chat server paced by its own thread's timers: ttftMs, then a token every itlMs. */
export async function startPacedSseThread(
  opts: PacedSseOptions,
  /** Called on this thread when a request has arrived and its answer begins. */
  onRequest?: () => void,
): Promise<PacedSseServer> {
  const worker = new Worker(SERVER_SOURCE, { eval: true, workerData: opts });
  const port = await new Promise<number>((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
  });
  worker.on("message", (m) => {
    if (m === "request") onRequest?.();
  });
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      worker.postMessage("close");
      await new Promise((resolve) => worker.once("exit", resolve));
    },
  };
}
