import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ComprehensiveResult } from "../results/index.js";
import { startLlamaLikeServer, type LlamaLikeServer } from "../testing/index.js";
import { runCli } from "./run-cli.js";

// `--sweep` against a llama.cpp-like server with 2 slots: a request beyond the second waits a
// whole streamed answer (5 ms prompt + 3 gaps × 300 ms between its 4 tokens, a lower bound the
// server's sleeps guarantee) for a slot, so its TTFT is ≥ 905 ms, against ~5 ms with a free slot.
// With TTFT ≤ 750 ms as the SLO the capacity is 2: the failing side is above the SLO by the
// server's sleeps alone, and the passing side leaves ~745 ms to a loaded machine's scheduling
// delays, far more than the 400 ms SLO beside 200 ms tokens did.

let server: LlamaLikeServer;
let dir: string;

beforeAll(async () => {
  server = await startLlamaLikeServer({
    loadingAnswers: 0,
    slots: 2,
    maxTokens: 4,
    tokenMs: 300,
    promptMs: 5,
  });
  dir = await mkdtemp(join(tmpdir(), "mlxbench-sweep-"));
});

afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

async function cli(args: string[]): Promise<{ code: number; err: string }> {
  let err = "";
  const code = await runCli(args, {
    stdout: { write: () => true },
    stderr: { write: (s: string) => ((err += s), true), isTTY: false },
    cwd: dir,
  });
  return { code, err };
}

describe("mlxbench comprehensive --sweep (capacity at SLO)", () => {
  it(
    "finds the highest concurrency meeting the SLO and reports it",
    { timeout: 120_000 },
    async () => {
      const outputDir = join(dir, "sweep");
      const { code } = await cli([
        "comprehensive",
        "--target",
        "openai",
        "--api-url",
        server.url,
        "--output-dir",
        outputDir,
        "--quick",
        "--sweep",
        "--slo",
        "ttft_ms=750",
        "--tensor-iterations",
        "2",
        "--inference-iterations",
        "2",
        "--iterations-performance",
        "1",
      ]);
      expect(code).toBe(0);
      const comp = join(outputDir, "comprehensive");
      const names = await readdir(comp);
      const json = JSON.parse(
        await readFile(join(comp, names.find((n) => n.endsWith(".json")) ?? ""), "utf8"),
      ) as ComprehensiveResult;
      expect(json.capacity?.concurrency).toBe(2);
      expect(json.capacity?.limitedBy).toBe("slo");
      // Doubled to 4 (failed), bisected to 3 (failed): every level tried is in the latency table.
      expect(json.capacity?.levels.map((l) => [l.concurrency, l.meetsSlo])).toEqual([
        [1, true],
        [2, true],
        [3, false],
        [4, false],
      ]);
      expect(json.throughput.map((p) => p.concurrency)).toEqual([1, 2, 3, 4]);
      expect(json.throughput[0]?.latency.goodputRequestsPerS).toBeGreaterThan(0);
      const report = await readFile(join(comp, names.find((n) => n.endsWith(".md")) ?? ""), "utf8");
      expect(report).toContain("**Capacity at SLO: 2 concurrent requests**");
    },
  );

  it("refuses --sweep without an SLO, saying how to set one", async () => {
    const { code, err } = await cli(["comprehensive", "--sweep", "--api-url", server.url]);
    expect(code).toBe(2);
    expect(err).toContain("--sweep needs an SLO");
  });

  it.each([
    ["ttft=100", 'KEY one of ttft_ms, tpot_ms, e2e_ms, got "ttft=100"'],
    ["ttft_ms=-5", '--slo ttft_ms must be a positive number of ms, got "-5"'],
  ])("rejects --slo %s, naming what is wrong", async (slo, message) => {
    const { code, err } = await cli(["comprehensive", "--slo", slo]);
    expect(code).toBe(2);
    expect(err).toContain(message);
  });
});
