import { startReferenceCluster, type ReferenceCluster } from "@mlxbench/sim";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runLoad } from "./run-load.js";

let cluster: ReferenceCluster;
beforeAll(async () => {
  cluster = await startReferenceCluster({ devices: 3, seed: 11, timing: { maxBatchSize: 64 } });
});
afterAll(async () => {
  await cluster.stop();
});

describe("the reader thread's young generation", () => {
  // bench:client's 64-stream load: ~9,000 reads, some 13 MB of the reader thread's garbage. With
  // V8's default semi-space for a new isolate it scavenged 2-3 times in this phase, each pause
  // stamping a decode burst late; the count depends on allocation, not on the machine's speed.
  it("does not scavenge in a 64-stream measured phase of 128 requests", async () => {
    const result = await runLoad({
      baseUrl: cluster.apiUrl,
      load: { kind: "concurrency", concurrency: 64 },
      requests: 128,
      warmupRequests: 64,
      prompts: [
        { name: "short", prompt: "What is the capital of France?", max_tokens: 48 },
        { name: "medium", prompt: "Explain how attention works in a transformer.", max_tokens: 96 },
      ],
    });
    expect(result.metrics.successRate).toBe(1);
    expect(result.calibration.readIn).toBe("thread");
    expect(result.calibration.stampGcPauses.filter((p) => p.kind === "minor")).toEqual([]);
  }, 60_000);
});
