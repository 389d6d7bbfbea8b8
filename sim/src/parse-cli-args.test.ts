import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { CliUsageError, parseCliArgs } from "./parse-cli-args.js";

const MAIN = fileURLToPath(new URL("./main.ts", import.meta.url));
// node --import tsx, not the tsx CLI: the CLI relays signals through a parent process, and
// under load its relay can kill the parent before the sim's own SIGTERM handler has run.
const NODE_TSX = [process.execPath, "--import", "tsx"] as const;

describe("sim command line", () => {
  it("has the documented defaults", () => {
    expect(parseCliArgs([])).toEqual({
      help: false,
      options: { devices: 3, host: "127.0.0.1", httpPort: 8100, grpcPort: 50100, streaming: true },
    });
  });

  it("maps every flag to an option", () => {
    const { options } = parseCliArgs([
      "--devices",
      "4",
      "--port",
      "9000",
      "--grpc-port",
      "51000",
      "--host",
      "0.0.0.0",
      "--seed",
      "7",
      "--noise-cv",
      "0.03",
      "--slowdown",
      "1.3",
      "--error-rate",
      "0.2",
      "--grpc-delay-ms",
      "5",
      "--device-down",
      "2",
      "--no-streaming",
      "--time-scale",
      "1",
      "--load-ms",
      "500",
      "--model",
      "org/model",
    ]);
    expect(options).toEqual({
      devices: 4,
      httpPort: 9000,
      grpcPort: 51000,
      host: "0.0.0.0",
      seed: 7,
      noiseCv: 0.03,
      slowdown: 1.3,
      errorRate: 0.2,
      grpcDelayMs: 5,
      deviceDown: 2,
      streaming: false,
      timing: { timeScale: 1 },
      loadMs: 500,
      model: "org/model",
    });
  });

  it.each([
    [["--bogus"], /--bogus/],
    [["--devices", "three"], /--devices must be an integer, got "three"/],
    [["--slowdown", "fast"], /--slowdown must be a number/],
    [["--seed", "1.5"], /--seed must be an integer/],
    [["extra"], /extra/],
  ])("refuses %j with a CliUsageError naming it", (argv, message) => {
    expect(() => parseCliArgs(argv)).toThrow(CliUsageError);
    expect(() => parseCliArgs(argv)).toThrow(message);
  });

  it("exits 2 on an unknown flag, and serves then stops cleanly on SIGTERM", async () => {
    const bad = spawn(NODE_TSX[0], [...NODE_TSX.slice(1), MAIN, "--frobnicate"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    bad.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const badCode = await new Promise<number | null>((r) => bad.on("exit", r));
    expect(badCode).toBe(2);
    expect(stderr).toMatch(/--frobnicate/);

    const sim = spawn(
      NODE_TSX[0],
      [...NODE_TSX.slice(1), MAIN, "--devices", "2", "--port", "0", "--grpc-port", "0"],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stdout = "";
    const apiUrl = await new Promise<string>((resolve, reject) => {
      sim.stdout.on("data", (d: Buffer) => {
        stdout += d.toString();
        const m = /HTTP API\s+(\S+)/.exec(stdout);
        if (m?.[1] && /gRPC rank 1/.test(stdout)) resolve(m[1]);
      });
      sim.on("exit", (code) => reject(new Error(`sim exited ${code}: ${stdout}`)));
    });
    expect(stdout).toMatch(/gRPC rank 0\s+127\.0\.0\.1:\d+\s+mini1/);
    const health = (await (await fetch(`${apiUrl}/health`)).json()) as { status: string };
    expect(health.status).toBe("healthy");
    const exited = new Promise<number | null>((r) => sim.on("exit", r));
    sim.kill("SIGTERM");
    expect(await exited).toBe(0);
  });
});
