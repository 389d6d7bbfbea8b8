import { createServer, type Server, type ServerResponse } from "node:http";
import net, { type AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { writeThrough, type WriteInstant } from "./write-through.js";

let server: Server | undefined;
let client: net.Socket | undefined;
afterEach(async () => {
  client?.destroy();
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
  client = undefined;
});

/** A server whose one streamed response is handed to the test, and a raw client that can stop reading. */
async function openStream(): Promise<{ res: ServerResponse; client: net.Socket }> {
  let got: (res: ServerResponse) => void = () => undefined;
  const response = new Promise<ServerResponse>((resolve) => (got = resolve));
  server = createServer((req, res) => {
    req.resume();
    res.writeHead(200, { "content-type": "text/event-stream" });
    got(res);
  });
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  client = net.connect(port, "127.0.0.1");
  client.write("GET / HTTP/1.1\r\nhost: x\r\n\r\n");
  return { res: await response, client };
}

describe("writeThrough", () => {
  it("hands the bytes to the kernel before returning, where res.write alone leaves them corked", async () => {
    const { res } = await openStream();
    const socket = res.socket as net.Socket;
    res.write(": plain\n\n");
    // the reason for writeThrough: node:http holds a chunked write until the next tick
    expect(socket.writableCorked).toBe(1);
    expect(socket.writableLength).toBeGreaterThan(0);

    const calls: WriteInstant[] = [];
    const before = performance.timeOrigin + performance.now();
    const direct = writeThrough(res, "data: 1\n\n", (instant) => calls.push(instant));
    const after = performance.timeOrigin + performance.now();
    expect(direct).toBe(true);
    expect(socket.writableCorked).toBe(0);
    expect(socket.writableLength).toBe(0);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.queued).toBe(false);
    // the bracket lies within the call
    expect(calls[0]?.startedAt).toBeGreaterThanOrEqual(before);
    expect(calls[0]?.endedAt).toBeGreaterThanOrEqual(calls[0]?.startedAt ?? Infinity);
    expect(calls[0]?.endedAt).toBeLessThanOrEqual(after);
    // the write's own callback, which runs later, must not stamp it a second time
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toHaveLength(1);
  });

  it("when the client stops reading, stamps the write when the kernel finally takes it", async () => {
    const { res, client: peer } = await openStream();
    peer.pause();
    const block = `data: ${"x".repeat(1 << 20)}\n\n`;
    const calls: WriteInstant[] = [];
    let direct = true;
    let writes = 0;
    // fill the kernel's buffers until a write has to wait in the process
    while (direct && writes < 256) {
      direct = writeThrough(res, block, (instant) => calls.push(instant));
      writes++;
    }
    expect(direct).toBe(false);
    expect(calls.filter((c) => !c.queued)).toHaveLength(writes - 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(calls).toHaveLength(writes - 1); // still waiting: nobody reads
    const resumedAt = performance.timeOrigin + performance.now();
    peer.resume();
    await new Promise<void>((resolve) => {
      const check = (): void => {
        if (calls.length === writes) resolve();
        else setTimeout(check, 5);
      };
      check();
    });
    const last = calls.at(-1);
    expect(last?.queued).toBe(true);
    expect(last?.startedAt).toBeLessThan(resumedAt);
    expect(last?.endedAt).toBeGreaterThanOrEqual(resumedAt);
  });

  it("records nothing for a response whose connection is gone", async () => {
    const { res } = await openStream();
    res.socket?.destroy();
    await new Promise((resolve) => setImmediate(resolve));
    const calls: WriteInstant[] = [];
    const direct = writeThrough(res, "data: late\n\n", (instant) => calls.push(instant));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(direct).toBe(false);
    expect(calls).toEqual([]);
  });
});
