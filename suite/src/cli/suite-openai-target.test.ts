import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RunResult } from "@mlxbench/proto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLlamaLikeServer, type LlamaLikeServer } from "../testing/index.js";
import { runCli } from "./run-cli.js";

// `mlxbench suite` against a server that speaks only the OpenAI API, in llama.cpp's shapes.

let server: LlamaLikeServer;
let dir: string;
let closedPort: number;

beforeAll(async () => {
  server = await startLlamaLikeServer({ loadingAnswers: 2 });
  dir = await mkdtemp(join(tmpdir(), "mlxbench-openai-"));
  // A port nothing listens on, for the gRPC side the MLX target expects.
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
  closedPort = (probe.address() as AddressInfo).port;
  await new Promise<void>((r) => probe.close(() => r()));
});

afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

async function runSuite(name: string, extra: string[]) {
  const outputDir = join(dir, name);
  let out = "";
  let err = "";
  const code = await runCli(
    [
      "suite",
      "--quick",
      "--api-url",
      server.url,
      "--output-dir",
      outputDir,
      "--readiness-timeout",
      "30",
      "--iterations-validation",
      "1",
      "--concurrent-requests",
      "2",
      "--tensor-iterations",
      "2",
      "--inference-iterations",
      "2",
      "--iterations-performance",
      "1",
      ...extra,
    ],
    {
      stdout: { write: (s: string) => (out += s) },
      stderr: { write: (s: string) => ((err += s), true), isTTY: false },
      cwd: dir,
    },
  );
  const files = (await readdir(outputDir)).filter((f) => f.startsWith("run_result_"));
  const result = RunResult.parse(
    JSON.parse(await readFile(join(outputDir, files[0] ?? ""), "utf8")),
  );
  return { code, out, err, result, outputDir };
}

// Each run is the whole quick suite in-process: seconds on a quiet machine, far longer on a
// loaded 2-core one.
describe(
  "mlxbench suite against an OpenAI-compatible server (llama.cpp's shapes)",
  { timeout: 120_000 },
  () => {
    it("--target openai: exits 0, the gRPC parts not applicable, absolute paths printed", async () => {
      const healthBefore = server.hits["/health"] ?? 0;
      const run = await runSuite("openai", ["--target", "openai"]);
      expect(run.code).toBe(0);
      // Waited through the two "Loading model" answers, and stopped asking at the first ok.
      expect((server.hits["/health"] ?? 0) - healthBefore).toBeLessThanOrEqual(4);
      expect(run.result.validation?.status).toBe("PASS");
      const fixes = Object.fromEntries(
        (run.result.validation?.fixes ?? []).map((f) => [f.name, f.status]),
      );
      expect(fixes).toMatchObject({
        grpc_tensor_serialization: "NOT_APPLICABLE",
        device_discovery: "NOT_APPLICABLE",
        grpc_communication: "NOT_APPLICABLE",
        distributed_inference: "PASS",
      });
      const communication = run.result.components.find((c) => c.name === "communication");
      expect(communication?.status).toBe("not_applicable");
      expect(communication?.message).toMatch(/no gRPC side/);
      expect(run.out).toContain(`Run result: ${run.outputDir}/run_result_`);
      expect(run.out).not.toMatch(/\.\.\//);

      // The full latency set at every load level, in the JSON, the report and a chart.
      const comp = join(run.outputDir, "comprehensive");
      const names = await readdir(comp);
      expect(names.some((n) => n.startsWith("latency_vs_concurrency_"))).toBe(true);
      const json = JSON.parse(
        await readFile(join(comp, names.find((n) => n.endsWith(".json")) ?? ""), "utf8"),
      ) as { throughput: { concurrency: number; latency: Record<string, unknown> }[] };
      expect(json.throughput.map((p) => p.concurrency)).toEqual([1, 2]);
      for (const p of json.throughput) {
        for (const m of ["ttftMs", "itlMs", "tpotMs", "e2eMs"]) {
          const stats = p.latency[m] as Record<string, unknown> | null;
          for (const q of ["p50", "p90", "p95", "p99"])
            expect(typeof stats?.[q], `${m} ${q} at ${p.concurrency}`).toBe("number");
        }
        expect(p.latency.goodputRequestsPerS).toBeNull();
      }
      const report = await readFile(join(comp, names.find((n) => n.endsWith(".md")) ?? ""), "utf8");
      expect(report).toContain("### Latency at each load");
      // The server's own timings recorded per request, and the client's distance from them.
      expect(report).toContain("### Client against the server's own timings");
      const seq = (
        JSON.parse(
          await readFile(join(comp, names.find((n) => n.endsWith(".json")) ?? ""), "utf8"),
        ) as {
          latency: {
            serverCalibration: { requests: number; withTimings: number } | null;
            records: { completionId?: string; serverTimings?: Record<string, number> }[];
          };
        }
      ).latency;
      expect(seq.serverCalibration?.withTimings).toBe(seq.serverCalibration?.requests);
      expect(seq.records[0]?.completionId).toMatch(/^chatcmpl-\d+$/);
      expect(seq.records[0]?.serverTimings?.predicted_per_token_ms).toBe(2);
      expect(report).toMatch(/!\[latency percentiles vs concurrency\]\(latency_vs_concurrency_/);
    });

    it("--target mlx-cluster: the missing gRPC side is still a critical failure", async () => {
      const run = await runSuite("mlx", [
        "--target",
        "mlx-cluster",
        "--grpc-target",
        `127.0.0.1:${closedPort}`,
        "--skip-communication",
      ]);
      expect(run.code).toBe(2);
      expect(run.result.validation?.criticalFailures).toContain("grpc_communication");
    });

    it("no target set: detects openai from /distributed/status's 404 and says so", async () => {
      const run = await runSuite("detected", []);
      expect(run.err).toMatch(
        /target: openai \(detected: GET distributed\/status answered HTTP 404/,
      );
      expect(run.code).toBe(0);
      expect(run.result.components.find((c) => c.name === "communication")?.status).toBe(
        "not_applicable",
      );
    });

    it("rejects an unknown --target, naming the choices", async () => {
      let err = "";
      const code = await runCli(["suite", "--target", "vllm"], {
        stdout: { write: () => true },
        stderr: { write: (s: string) => ((err += s), true), isTTY: false },
        cwd: dir,
      });
      expect(code).toBe(2);
      expect(err).toContain('--target must be mlx-cluster or openai, got "vllm"');
    });
  },
);
