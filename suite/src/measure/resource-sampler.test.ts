import { afterEach, describe, expect, it } from "vitest";
import { startResourceSampler } from "./resource-sampler.js";
import {
  findClosedPort,
  startTestServer,
  type TestHandler,
  type TestServer,
} from "./testing/start-test-server.js";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function json(res: Parameters<TestHandler>[1], status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

describe("startResourceSampler", () => {
  it("reads the cluster's memory from /distributed/status performance_stats", async () => {
    let gb = 2;
    let statusAnswers = 0;
    server = await startTestServer((req, res) => {
      if (req.url === "/distributed/status") {
        json(res, 200, {
          status: "operational",
          performance_stats: { actual_memory_usage_gb: gb },
        });
        gb = 3;
        statusAnswers++;
      } else json(res, 404, { detail: "Not Found" });
    });
    const sampler = startResourceSampler({ apiUrl: server.url, intervalMs: 20 });
    // Wait for the state, not a duration: once the cluster has answered twice (2 GB, then 3 GB),
    // the sampler has both readings or is awaiting the second, which stop() waits for. A fixed
    // 120 ms saw only the first answer on a loaded machine.
    while (statusAnswers < 2) await new Promise((resolve) => setTimeout(resolve, 10));
    const s = await sampler.stop({ outputTokens: 3072 });
    expect(s.clusterMemoryMb).toMatchObject({ peak: 3072, source: "performance_stats" });
    expect(s.clusterMemoryMb?.average).toBeGreaterThan(2048);
    expect(s.clusterMemoryMb?.average).toBeLessThan(3072);
    expect(s.tokensPerMb).toBe(1);
    expect(s.tokensPerMbBasis).toBe("cluster");
    expect(s.samples).toBeGreaterThanOrEqual(2);
    expect(s.machineMemoryMb.peak).toBeGreaterThan(0);
    expect(s.processRssMb.peak).toBeGreaterThan(0);
  });

  it("falls back to /distributed/gpu-info system_memory summed over devices", async () => {
    server = await startTestServer((req, res) => {
      if (req.url === "/distributed/gpu-info") {
        json(res, 200, {
          devices: [
            {
              device_id: "mini1",
              system_memory: { total_gb: 16, available_gb: 8, used_percent: 50 },
            },
            { device_id: "mini2", system_memory: { total_gb: 16, available_gb: 12 } },
          ],
        });
      } else json(res, 200, { status: "operational" }); // a status without performance_stats
    });
    const sampler = startResourceSampler({ apiUrl: server.url, intervalMs: 1000 });
    const s = await sampler.stop();
    expect(s.clusterMemoryMb).toEqual({ peak: 12 * 1024, average: 12 * 1024, source: "gpu-info" });
    expect(s.tokensPerMb).toBeNull();
  });

  it("reports no cluster memory, not zero, when the cluster cannot be reached", async () => {
    const port = await findClosedPort();
    const sampler = startResourceSampler({ apiUrl: `http://127.0.0.1:${port}`, intervalMs: 1000 });
    const s = await sampler.stop({ outputTokens: 100 });
    expect(s.clusterMemoryMb).toBeNull();
    expect(s.tokensPerMbBasis).toBe("machine");
    expect(s.tokensPerMb).toBeCloseTo(100 / s.machineMemoryMb.peak, 10);
  });

  it("refuses an apiUrl that is not a URL, naming it", () => {
    expect(() => startResourceSampler({ apiUrl: "cluster" })).toThrow(/^apiUrl: /);
  });
});
