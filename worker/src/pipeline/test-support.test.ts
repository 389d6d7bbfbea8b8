import { createServer, type Server } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { ephemeralRangeStart, simPorts } from "./test-support.js";

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});
const hold = (port: number): Promise<Server> =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(port, "127.0.0.1", () => {
      servers.push(s);
      resolve(s);
    });
  });

async function freeBlock(size: number): Promise<number> {
  for (;;) {
    const a = 20_000 + Math.floor(Math.random() * 10_000);
    const held = await Promise.all(
      Array.from({ length: size }, (_, i) =>
        hold(a + i).then(
          () => true,
          () => false,
        ),
      ),
    );
    await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
    if (held.every(Boolean)) return a;
  }
}

describe("simPorts", () => {
  it("picks every port of the cluster below the ephemeral range", async () => {
    const end = await ephemeralRangeStart();
    for (let i = 0; i < 20; i++) {
      const { http, grpc } = await simPorts();
      for (const p of [http, grpc, grpc + 1, grpc + 2]) expect(p).toBeLessThan(end);
      expect(new Set([http, grpc, grpc + 1, grpc + 2]).size).toBe(4);
    }
  });

  it("skips a gRPC base whose rank port another socket holds", async () => {
    // A free block of six ports, its rank 1 (a + 1) then taken.
    const a = await freeBlock(6);
    await hold(a + 1);
    const tried: number[] = [];
    const bases = [a, a, a + 3];
    // Its own record of handed-out ports: the first test's 80 random ports overlap a's block in
    // about one run of fifty, and a scripted candidate could then never succeed.
    const ports = await simPorts({
      handedOut: new Set(),
      candidate: () => {
        const next = bases.shift() ?? a + 3;
        tried.push(next);
        return next;
      },
    });
    // The HTTP port takes the first candidate; the gRPC base may not start at a (a + 1 is held).
    expect(ports.http).toBe(a);
    expect(ports.grpc).toBe(a + 3);
    expect(tried).toEqual([a, a, a + 3]);
  });

  it("reads the range's start from the kernel's file, else IANA's", async () => {
    expect(await ephemeralRangeStart("/nonexistent/ip_local_port_range")).toBe(49_152);
  });
});
