import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { createServer, type AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseCli } from "./parse-cli.js";
import { runCli } from "./run-cli.js";

/** A port that was free a moment ago and has nothing listening now. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  await new Promise((r) => server.close(r));
  return port;
}

function capture() {
  let out = "";
  let err = "";
  return {
    io: (cwd: string) => ({
      stdout: { write: (s: string) => (out += s) },
      stderr: { write: (s: string) => (err += s), isTTY: false },
      cwd,
    }),
    out: () => out,
    err: () => err,
  };
}

describe("parseCli", () => {
  it("reads the seed's flags, with the gRPC target separate from the HTTP API", () => {
    const p = parseCli([
      "suite",
      "--api-url",
      "http://localhost:8100",
      "--grpc-target",
      "localhost:50100",
      "--quick",
      "--skip-communication",
      "--iterations-comprehensive",
      "500",
      "--iterations-validation",
      "3",
      "--iterations-performance",
      "20",
      "--iterations-communication",
      "7",
      "--tensor-iterations",
      "1000",
      "--inference-iterations",
      "50",
      "--concurrent-requests",
      "10",
      "--communication-iterations",
      "100",
      "--output-dir",
      "out",
    ]);
    expect(p.command).toBe("suite");
    expect(p.flags).toMatchObject({
      apiUrl: "http://localhost:8100",
      grpcTarget: "localhost:50100",
      quick: true,
      skipCommunication: true,
      iterationsComprehensive: 500,
      iterationsValidation: 3,
      iterationsPerformance: 20,
      iterationsCommunication: 7,
      tensorIterations: 1000,
      inferenceIterations: 50,
      concurrentRequests: 10,
      communicationIterations: 100,
      outputDir: "out",
    });
  });

  it("maps a component's --iterations to that component", () => {
    expect(parseCli(["compare", "--iterations", "50"]).flags.iterationsPerformance).toBe(50);
    expect(
      parseCli(["communication", "--server", "h:1", "--iterations", "9"]).flags
        .communicationIterations,
    ).toBe(9);
  });

  it.each([
    [["suite", "--frobnicate"], /Unknown option '--frobnicate'/],
    [["suite", "--tensor-iterations", "abc"], /--tensor-iterations must be a whole number/],
    [
      ["suite", "--concurrent-requests", "0"],
      /--concurrent-requests must be a whole number from 1/,
    ],
    [["suite", "--grpc-target", "http://localhost:8100"], /--grpc-target must be HOST:PORT/],
    [["suite", "--api-url", "localhost:8100"], /--api-url must be an http\(s\) URL/],
    [["benchmark"], /unknown command "benchmark"/],
    [[], /a command is required/],
    [["communication"], /communication needs --server HOST:PORT/],
    [["suite", "--server", "h:1"], /--server is only for the communication command/],
    [["suite", "--iterations", "3"], /--iterations is for single components/],
    [["suite", "--profile", "main"], /--profile must be pull_request or default_branch/],
  ])("rejects %j with a clear message", (argv, message) => {
    expect(() => parseCli(argv)).toThrow(message);
  });
});

describe("runCli without a cluster", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "mlxbench-cli-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("prints the usage for --help and exits 0", async () => {
    const c = capture();
    expect(await runCli(["--help"], c.io(dir))).toBe(0);
    expect(c.out()).toContain("--grpc-target HOST:PORT");
    expect(c.out()).toContain("Exit codes: 0 success");
  });

  it("exits 2 on an unknown flag and names it", async () => {
    const c = capture();
    expect(await runCli(["suite", "--quik"], c.io(dir))).toBe(2);
    expect(c.err()).toMatch(/mlxbench: Unknown option '--quik'/);
    expect(c.err()).toContain("mlxbench --help");
  });

  it("exits 2 on a broken config file, naming the key and its line", async () => {
    const path = join(dir, "broken.yml");
    await writeFile(
      path,
      "cluster:\n  readiness_timeout_s: 5\n  expected_device: [mini1]\nthresholds:\n  default_pct: many\n",
    );
    const c = capture();
    expect(await runCli(["suite", "--config", path], c.io(dir))).toBe(2);
    expect(c.err()).toContain("cluster.expected_device (line 3): unknown key");
    expect(c.err()).toContain("thresholds.default_pct (line 5)");
  });

  it("exits 2 on a config file that is not YAML", async () => {
    const path = join(dir, "not-yaml.yml");
    await writeFile(path, "cluster: [unclosed\n");
    const c = capture();
    expect(await runCli(["validate", "--config", path], c.io(dir))).toBe(2);
    expect(c.err()).toMatch(/YAML syntax error/);
  });

  it("exits 2 when the cluster is unreachable and keeps the partial results on disk", async () => {
    const out = join(dir, "unreachable");
    const c = capture();
    const port = await closedPort();
    const code = await runCli(
      [
        "suite",
        "--quick",
        "--api-url",
        `http://127.0.0.1:${port}`,
        "--skip-communication",
        "--output-dir",
        out,
        "--readiness-timeout",
        "2",
      ],
      c.io(dir),
    );
    expect(code).toBe(2);
    expect(c.out()).toContain("NOT_READY");
    expect(c.out()).toContain(`cluster unreachable at http://127.0.0.1:${port}`);
    expect(c.out()).toContain("ECONNREFUSED");
    const files = await readdir(out);
    expect(files.some((f) => /^run_result_\d{8}_\d{6}\.json$/.test(f))).toBe(true);
    expect(files.some((f) => /^executive_summary_\d{8}_\d{6}\.md$/.test(f))).toBe(true);
  });
});
