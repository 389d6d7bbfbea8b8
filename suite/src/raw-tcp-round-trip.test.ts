import { createServer, type AddressInfo, type Socket } from "node:net";
import * as grpc from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  grpcOverhead,
  measureRawRoundTrips,
  RawRoundTripError,
  splitHostPort,
} from "./raw-tcp-round-trip.js";

const now = (): number => performance.now();

describe("measureRawRoundTrips", () => {
  let server: grpc.Server;
  let port: number;
  beforeAll(async () => {
    server = new grpc.Server();
    port = await new Promise<number>((resolve, reject) =>
      server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (e, p) =>
        e ? reject(e) : resolve(p),
      ),
    );
  });
  afterAll(() => server.forceShutdown());

  it("times one HTTP/2 PING per iteration on a bare socket to a gRPC server", async () => {
    const r = await measureRawRoundTrips("127.0.0.1", port, 5, { now });
    expect(r.rttMs).toHaveLength(5);
    for (const ms of r.rttMs) expect(ms).toBeGreaterThan(0);
    expect(r.connectMs).toBeGreaterThan(0);
  });

  it("fails loudly on a closed port, never returning a number", async () => {
    const s = createServer();
    await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
    const closed = (s.address() as AddressInfo).port;
    await new Promise((r) => s.close(r));
    await expect(measureRawRoundTrips("127.0.0.1", closed, 2, { now })).rejects.toThrow(
      RawRoundTripError,
    );
  });

  it("fails on a server that does not speak HTTP/2", async () => {
    const sockets = new Set<Socket>();
    const s = createServer((sock) => {
      sockets.add(sock);
      sock.end("HTTP/1.1 400 Bad Request\r\n\r\n");
    });
    await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
    const p = (s.address() as AddressInfo).port;
    try {
      await expect(
        measureRawRoundTrips("127.0.0.1", p, 2, { now, timeoutMs: 2000 }),
      ).rejects.toThrow(/not an HTTP\/2 server/);
    } finally {
      for (const sock of sockets) sock.destroy();
      await new Promise((r) => s.close(r));
    }
  });
});

describe("grpcOverhead", () => {
  it.each([
    [1.05, 1, "LOW"],
    [1.2, 1, "MODERATE"],
    [1.4, 1, "HIGH"],
    [2, 1, "VERY_HIGH"],
  ])("gRPC %d ms over raw %d ms is %s", (g, r, category) => {
    expect(grpcOverhead(g, r).category).toBe(category);
    expect(grpcOverhead(g, r).pct).toBeCloseTo((g - r) * 100);
  });

  it("refuses to make a figure from a missing baseline (the original's -100 %)", () => {
    expect(() => grpcOverhead(0.5, 0)).toThrow(RangeError);
    expect(() => grpcOverhead(Number.NaN, 1)).toThrow(RangeError);
  });

  it("parses HOST:PORT and rejects anything else", () => {
    expect(splitHostPort("localhost:50100")).toEqual({ host: "localhost", port: 50100 });
    expect(splitHostPort("[::1]:50051")).toEqual({ host: "::1", port: 50051 });
    expect(() => splitHostPort("http://localhost:8100")).toThrow(/not HOST:PORT/);
  });
});
