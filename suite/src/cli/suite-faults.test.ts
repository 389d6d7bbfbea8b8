import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadImage } from "@napi-rs/canvas";
import { RunResult } from "@mlxbench/proto";
import { startReferenceCluster, type ReferenceCluster } from "@mlxbench/sim";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./run-cli.js";

// `mlxbench suite --quick` in-process against the reference cluster, with each fault injected.
// Tiny counts and short prompts keep every run to a few seconds on a 2-core machine.

let cluster: ReferenceCluster;
let single: ReferenceCluster;
let dir: string;
let config: string;

beforeAll(async () => {
  // Slower modelled tokens (3x the default) than other tests use: a token then costs ~10 ms, and
  // the slowdown test's 3x makes it ~30 ms, a step that stands out from the scheduling jitter of a
  // loaded 2-core machine (a 1.5x step, ~5 ms a token, did not always).
  const timing = { timeScale: 0.3 };
  [cluster, single] = await Promise.all([
    startReferenceCluster({ devices: 3, seed: 7, timing }),
    startReferenceCluster({ devices: 1, seed: 8, timing }),
  ]);
  dir = await mkdtemp(join(tmpdir(), "mlxbench-suite-"));
  config = join(dir, "mlxbench.yml");
  await writeFile(
    config,
    [
      "cluster:",
      "  readiness_timeout_s: 2",
      "  expected_devices: [mini1, mini2, master]",
      "test_prompts:",
      '  - ["tiny", "Say hello.", 8]',
      '  - ["short", "Name three colours.", 12]',
    ].join("\n"),
  );
});

afterEach(() => {
  cluster.faults.reset();
});

afterAll(async () => {
  await Promise.all([cluster.stop(), single.stop()]);
  await rm(dir, { recursive: true, force: true });
});

interface Run {
  code: number;
  out: string;
  result: RunResult;
  outputDir: string;
}

async function runQuickSuite(
  name: string,
  extra: string[] = [],
  counts: string[] = [],
): Promise<Run> {
  const outputDir = join(dir, name);
  let out = "";
  const code = await runCli(
    [
      "suite",
      "--quick",
      "--config",
      config,
      "--api-url",
      cluster.apiUrl,
      "--grpc-target",
      cluster.grpcTarget,
      "--output-dir",
      outputDir,
      "--hardware",
      "reference-cluster",
      "--iterations-validation",
      "1",
      "--concurrent-requests",
      "2",
      "--tensor-iterations",
      "2",
      "--iterations-performance",
      "1",
      "--communication-iterations",
      "2",
      ...(counts.length ? counts : ["--inference-iterations", "3"]),
      ...extra,
    ],
    {
      stdout: { write: (s: string) => (out += s) },
      stderr: { write: () => true, isTTY: false },
      cwd: dir,
    },
  );
  const files = (await readdir(outputDir)).filter((f) => f.startsWith("run_result_"));
  expect(files).toHaveLength(1);
  const result = RunResult.parse(
    JSON.parse(await readFile(join(outputDir, files[0] ?? ""), "utf8")),
  );
  return { code, out, result, outputDir };
}

async function listTree(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true });
  return entries.map((e) => e.replace(/\d{8}_\d{6}/, "<ts>")).sort();
}

async function checkPng(path: string): Promise<void> {
  const image = await loadImage(await readFile(path));
  expect(image.width).toBeGreaterThanOrEqual(600);
  expect(image.height).toBeGreaterThanOrEqual(300);
  const { createCanvas } = await import("@napi-rs/canvas");
  const canvas = createCanvas(image.width, image.height);
  const ctx = canvas.getContext("2d");
  ctx.drawImage(image, 0, 0);
  const pixels = ctx.getImageData(0, 0, image.width, image.height).data;
  const colours = new Set<number>();
  for (let i = 0; i < pixels.length && colours.size < 10; i += 4 * 97) {
    colours.add(((pixels[i] ?? 0) << 16) | ((pixels[i + 1] ?? 0) << 8) | (pixels[i + 2] ?? 0));
  }
  expect(colours.size).toBeGreaterThan(2);
}

// Each test runs the whole quick suite in-process: a few seconds on a quiet machine, tens of
// seconds at a load average of 15 on 2 cores.
describe("mlxbench suite --quick against the reference cluster", { timeout: 120_000 }, () => {
  let clean: Run;

  it("writes the seed's output tree, valid charts and a schema-valid run result on a healthy cluster", async () => {
    clean = await runQuickSuite("clean", ["--single-device-api-url", single.apiUrl]);
    expect(clean.code).toBe(0);
    expect(clean.result.validation?.status).toBe("PASS");
    expect(clean.result.readiness.verdict).not.toBe("NOT_READY");
    expect(await listTree(clean.outputDir)).toEqual([
      "communication",
      "communication/communication_benchmark_<ts>.json",
      "communication/communication_report_<ts>.md",
      "communication/transfer_rate_<ts>.png",
      "comprehensive",
      "comprehensive/benchmark_report_<ts>.md",
      "comprehensive/comprehensive_benchmark_<ts>.json",
      "comprehensive/latency_distribution_<ts>.png",
      "comprehensive/latency_vs_concurrency_<ts>.png",
      "comprehensive/throughput_vs_concurrency_<ts>.png",
      "executive_summary_<ts>.md",
      "performance",
      "performance/performance_analysis_<ts>.json",
      "performance/performance_comparison_<ts>.png",
      "performance/performance_report_<ts>.md",
      "run_result_<ts>.json",
      "validation",
      "validation/validation_report_<ts>.md",
      "validation/validation_results_<ts>.json",
    ]);
    const pngs = (await readdir(clean.outputDir, { recursive: true })).filter((f) =>
      f.endsWith(".png"),
    );
    for (const png of pngs) await checkPng(join(clean.outputDir, png));

    const keys = clean.result.metrics.map((m) => m.key);
    for (const key of [
      "inference.ttft_ms",
      "inference.e2e_ms",
      "inference.tpot_ms",
      "throughput.output_tokens_per_s",
      "throughput.requests_per_s",
      "serialization.float32_1mib_encode_ms",
      "communication.unary_rtt_ms",
      "communication.overhead_pct",
      "performance.throughput_improvement",
    ]) {
      expect(keys).toContain(key);
    }
    const e2e = clean.result.metrics.find((m) => m.key === "inference.e2e_ms");
    expect(e2e?.samples).toHaveLength(3);
    expect(e2e?.direction).toBe("lower_is_better");
    expect(e2e?.gated).toBe(true);
    expect(clean.result.fingerprint).toMatchObject({
      hardware: "reference-cluster",
      clusterMode: "distributed",
      deviceCount: 3,
      devices: ["mini1", "mini2", "master"],
    });
    const summary = await readFile(
      join(
        clean.outputDir,
        (await readdir(clean.outputDir)).find((f) => f.startsWith("executive_summary_")) ?? "",
      ),
      "utf8",
    );
    expect(summary).toContain("**Overall status: ");
    expect(summary).toContain("throughput improvement over one device");
  });

  it("reports a device that is down as a critical failure naming it, exit 2", async () => {
    cluster.faults.set({ deviceDown: 1 });
    const run = await runQuickSuite("device-down", ["--skip-communication"]);
    expect(run.code).toBe(2);
    expect(run.result.readiness.verdict).toBe("NOT_READY");
    expect(run.result.validation?.status).toBe("FAIL");
    expect(run.result.validation?.criticalFailures).toEqual(
      expect.arrayContaining(["device_discovery", "grpc_communication"]),
    );
    expect(run.result.readiness.blocking.join("\n")).toMatch(/mini2 \(rank 1\)/);
    expect(run.out).toContain("critical: ");
  });

  it("reports 20 % errors as a success rate below 95 % with the error class, exit 1", async () => {
    cluster.faults.set({ errorRate: 0.2 });
    const run = await runQuickSuite(
      "errors",
      ["--skip-communication"],
      ["--inference-iterations", "24"],
    );
    expect(run.code).toBe(1);
    expect(run.result.readiness.verdict).toBe("NOT_READY");
    expect(run.result.validation?.criticalFailures).toEqual([]);
    const blocking = run.result.readiness.blocking.find((b) => b.startsWith("success rate"));
    expect(blocking).toBeDefined();
    expect(blocking).toContain("is below 95 %");
    expect(blocking).toContain("http_status");
    const rate = Number(/success rate ([\d.]+) %/.exec(blocking ?? "")?.[1]);
    expect(rate).toBeGreaterThan(50);
    expect(rate).toBeLessThan(95);
  });

  it("reports a 3× slowdown as a regression of the gated latency against the clean run, exit 1", async () => {
    cluster.faults.set({ slowdown: 3 });
    const run = await runQuickSuite("slowdown", [
      "--skip-communication",
      "--baseline",
      clean.outputDir,
    ]);
    expect(run.code).toBe(1);
    expect(run.result.readiness.verdict).toBe("NOT_READY");
    const regressions = run.result.readiness.blocking.filter((b) => b.includes("regressed"));
    expect(
      regressions.some(
        (b) =>
          b.startsWith("inference.tpot_ms regressed") || b.startsWith("inference.e2e_ms regressed"),
      ),
    ).toBe(true);
    const perf = JSON.parse(
      await readFile(
        join(
          run.outputDir,
          "performance",
          (await readdir(join(run.outputDir, "performance"))).find((f) => f.endsWith(".json")) ??
            "",
        ),
        "utf8",
      ),
    ) as { previousRun: { deltas: { key: string; ratio: number }[] } };
    const tpot = perf.previousRun.deltas.find((d) => d.key === "inference.tpot_ms");
    expect(tpot?.ratio).toBeGreaterThan(1.2);
  });

  it("reports disabled streaming as TTFT not measurable, still a usable run, exit 0", async () => {
    cluster.faults.set({ streaming: false });
    const run = await runQuickSuite("no-streaming", ["--skip-communication"]);
    expect(run.code).toBe(0);
    expect(run.result.readiness.verdict).toBe("READY_WITH_CAUTION");
    expect(run.result.warnings.join("\n")).toMatch(
      /501 to stream: true.*TTFT, ITL and TPOT were not measurable/,
    );
    const ttft = run.result.metrics.find((m) => m.key === "inference.ttft_ms");
    expect(ttft?.samples).toEqual([]);
    expect(ttft?.stats).toBeNull();
    expect(run.result.metrics.find((m) => m.key === "inference.e2e_ms")?.samples.length).toBe(3);
  });

  it("fails the communication component on a wrong gRPC address and keeps the rest, exit 1", async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as AddressInfo).port;
    await new Promise((r) => server.close(r));
    const run = await runQuickSuite("wrong-grpc", [
      "--grpc-target",
      `127.0.0.1:${port}`,
      "--skip-validation",
    ]);
    expect(run.code).toBe(1);
    const comm = run.result.components.find((c) => c.name === "communication");
    expect(comm?.status).toBe("failed");
    expect(comm?.message).toContain(`cannot connect to gRPC server 127.0.0.1:${port}`);
    expect(run.result.components.find((c) => c.name === "comprehensive")?.status).toBe("ok");
    expect(run.result.metrics.some((m) => m.key.startsWith("communication."))).toBe(false);
    const failed = JSON.parse(
      await readFile(
        join(
          run.outputDir,
          "communication",
          (await readdir(join(run.outputDir, "communication")))[0] ?? "",
        ),
        "utf8",
      ),
    ) as { status: string; error: string };
    expect(failed.status).toBe("failed");
  });
});
