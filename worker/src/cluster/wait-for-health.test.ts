import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { waitForHealth } from "./wait-for-health.js";

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

/** A real HTTP server answering GET /health with the n-th scripted answer (the last repeats). */
async function healthServer(answers: [number, string][]): Promise<string> {
  let n = 0;
  server = createServer((_req, res) => {
    const [status, body] = answers[Math.min(n++, answers.length - 1)] ?? [500, ""];
    res.writeHead(status, { "content-type": "application/json" }).end(body);
  });
  await new Promise<void>((r) => server?.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("waitForHealth reads the common servers' health shapes", () => {
  it("is ready at llama.cpp's first {status: ok}, after its 503 while loading", async () => {
    const url = await healthServer([
      [503, '{"error":{"code":503,"message":"Loading model","type":"unavailable_error"}}'],
      [200, '{"status":"ok"}'],
    ]);
    expect(await waitForHealth(url, { timeoutMs: 30_000, intervalMs: 5 })).toEqual({
      ready: true,
      lastStatus: "status=ok",
    });
  });

  it("is ready on vLLM's empty 200", async () => {
    const url = await healthServer([[200, ""]]);
    expect((await waitForHealth(url, { timeoutMs: 30_000, intervalMs: 5 })).ready).toBe(true);
  });

  it("gives up at once on an answer waiting cannot change", async () => {
    const url = await healthServer([[401, '{"error":"missing API key"}']]);
    expect(await waitForHealth(url, { timeoutMs: 30_000, intervalMs: 5 })).toEqual({
      ready: false,
      lastStatus: "HTTP 401: missing API key",
    });
  });
});
