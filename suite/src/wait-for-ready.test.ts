import { afterEach, describe, expect, it } from "vitest";
import { systemClock } from "./deps.js";
import { startTestServer, type TestServer } from "./measure/testing/start-test-server.js";
import { waitForReady } from "./wait-for-ready.js";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A server whose answers to each path are scripted: the n-th request gets the n-th answer. */
async function scripted(answers: Record<string, [number, string][]>): Promise<TestServer> {
  const seen: Record<string, number> = {};
  return startTestServer((req, res) => {
    const path = req.url ?? "/";
    const list = answers[path] ?? [[404, '{"error":"not found"}']];
    const i = Math.min(seen[path] ?? 0, list.length - 1);
    seen[path] = (seen[path] ?? 0) + 1;
    const [status, body] = list[i] ?? [500, ""];
    res.writeHead(status, { "content-type": "application/json" }).end(body);
  });
}

const wait = (url: string) =>
  waitForReady(url, { timeoutMs: 60_000, pollMs: 5, clock: systemClock });

describe("waitForReady against the common servers' health shapes", () => {
  it("returns on llama.cpp's first {status: ok}, after its 503 while loading", async () => {
    server = await scripted({
      "/health": [
        [503, '{"error":{"code":503,"message":"Loading model","type":"unavailable_error"}}'],
        [503, '{"error":{"code":503,"message":"Loading model","type":"unavailable_error"}}'],
        [200, '{"status":"ok"}'],
      ],
    });
    const r = await wait(server.url);
    expect(r).toMatchObject({ ready: true, failed: false, attempts: 3, lastStatus: "status=ok" });
  });

  it("is ready on vLLM's and SGLang's empty 200", async () => {
    server = await scripted({ "/health": [[200, ""]] });
    expect(await wait(server.url)).toMatchObject({ ready: true, attempts: 1 });
  });

  it("falls back to GET /v1/models when there is no /health (Ollama)", async () => {
    server = await scripted({
      "/v1/models": [[200, '{"object":"list","data":[{"id":"llama3.2:1b","object":"model"}]}']],
    });
    const r = await wait(server.url);
    expect(r).toMatchObject({ ready: true, attempts: 1, modelName: "llama3.2:1b" });
    expect(r.lastStatus).toContain("no /health (HTTP 404)");
  });

  it("stops at once on an answer that waiting cannot change", async () => {
    server = await scripted({ "/health": [[401, '{"error":"missing API key"}']] });
    const r = await wait(server.url);
    expect(r).toMatchObject({ ready: false, failed: true, unreachable: false, attempts: 1 });
    expect(r.lastStatus).toBe("HTTP 401: missing API key");
  });

  it("waits for the mlxbench contract's model_loaded", async () => {
    server = await scripted({
      "/health": [
        [200, '{"status":"healthy","model_loaded":false}'],
        [200, '{"status":"healthy","model_loaded":true,"model_name":"m1"}'],
      ],
    });
    expect(await wait(server.url)).toMatchObject({ ready: true, attempts: 2, modelName: "m1" });
  });
});
