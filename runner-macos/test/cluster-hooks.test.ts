import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { pino } from "pino";
import { parseMlxbenchConfig } from "@mlxbench/proto";
import { createClusterManager, killLeftoverGroups } from "../../worker/src/cluster/index.js";
import { RUNNER_DIR, runScript } from "./helpers.js";

// A stand-in for the MLX cluster's coordinator: the contract's /health, readiness after a delay,
// and the DISTRIBUTED it was started with, so the test sees which mode the hook chose.
const FAKE_CLUSTER = `
import json, os, signal, sys, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
behaviour = os.environ.get("FAKE_BEHAVIOUR", "ready")
if behaviour == "crash":
    print("fake cluster: cannot load model", flush=True)
    sys.exit(1)
if behaviour == "ignore-term":
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
started = time.monotonic()
class Health(BaseHTTPRequestHandler):
    def do_GET(self):
        loaded = behaviour != "never-ready" and time.monotonic() - started > float(os.environ.get("FAKE_READY_AFTER", "0.5"))
        body = json.dumps({"status": "healthy" if loaded else "unhealthy", "model_loaded": loaded,
                           "device_id": "mini1", "role": "coordinator", "distributed": os.environ.get("DISTRIBUTED")}).encode()
        self.send_response(200 if self.path == "/health" else 404)
        self.send_header("content-type", "application/json")
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
ThreadingHTTPServer(("127.0.0.1", int(os.environ["FAKE_PORT"])), Health).serve_forever()
`;

let tmp: string;
let clusterDir: string;
let runDir: string;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

const alive = (pid: number) => spawnSync("kill", ["-0", String(pid)]).status === 0;

async function hookEnv(extra: Record<string, string> = {}): Promise<Record<string, string>> {
  const port = await freePort();
  return {
    MLX_CLUSTER_DIR: clusterDir,
    MLXBENCH_RUN_DIR: runDir,
    CLUSTER_API_URL: `http://127.0.0.1:${port}`,
    CLUSTER_READY_TIMEOUT: "20",
    CLUSTER_STOP_TIMEOUT: "5",
    FAKE_PORT: String(port),
    ...extra,
  };
}

const readHealth = (env: Record<string, string>) =>
  JSON.parse(
    spawnSync(
      "python3",
      [
        "-c",
        "import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1]).read().decode())",
        `${env.CLUSTER_API_URL}/health`,
      ],
      {
        encoding: "utf8",
      },
    ).stdout,
  ) as { distributed: string | null };

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "mlxbench-hooks-"));
  clusterDir = join(tmp, "cluster");
  mkdirSync(clusterDir);
  writeFileSync(join(clusterDir, "run_distributed_openai.py"), FAKE_CLUSTER);
});
afterEach(() => {
  // Whatever a test left running is stopped by the hook under test; the pid file is its record.
  runScript("hooks/cluster-stop.sh", [], { MLXBENCH_RUN_DIR: runDir, CLUSTER_STOP_TIMEOUT: "1" });
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("cluster-start.sh / cluster-stop.sh", () => {
  it.each([
    ["distributed", "true"],
    ["single", "false"],
  ])(
    "starts in %s mode (DISTRIBUTED=%s), waits for ready, and stops by pid",
    async (mode, distributed) => {
      runDir = join(tmp, `run-${mode}`);
      const env = await hookEnv();
      const start = runScript("hooks/cluster-start.sh", [mode], env);
      expect(start.status, start.out).toBe(0);
      expect(start.stdout).toMatch(/ready at http:\/\/127\.0\.0\.1:\d+/);
      const pid = Number(readFileSync(join(runDir, "mlx-cluster.pid"), "utf8"));
      expect(alive(pid)).toBe(true);
      expect(readHealth(env).distributed).toBe(distributed);

      const again = runScript("hooks/cluster-start.sh", [mode], env);
      expect(again.status).toBe(3);
      expect(again.stderr).toMatch(new RegExp(`already running \\(pid ${pid}`));

      const stop = runScript("hooks/cluster-stop.sh", [], env);
      expect(stop.status, stop.out).toBe(0);
      expect(stop.stdout).toMatch(new RegExp(`stopped pid ${pid}`));
      expect(alive(pid)).toBe(false);
      expect(existsSync(join(runDir, "mlx-cluster.pid"))).toBe(false);

      const idle = runScript("hooks/cluster-stop.sh", [], env);
      expect(idle.status).toBe(0);
      expect(idle.stdout).toMatch(/nothing to stop/);
    },
  );

  it("gives up after the timeout when the model never loads, and stops what it started", async () => {
    runDir = join(tmp, "run-never");
    // 6 s, not less: on a loaded machine the stand-in's Python takes seconds to start listening,
    // and the point is the last answer it gave (unhealthy), not that it never answered.
    const env = await hookEnv({ FAKE_BEHAVIOUR: "never-ready", CLUSTER_READY_TIMEOUT: "6" });
    const start = runScript("hooks/cluster-start.sh", ["distributed"], env);
    expect(start.status).toBe(1);
    expect(start.stderr).toMatch(
      /not ready within 6s at .*\/health \(last: status='unhealthy' model_loaded=False\)/,
    );
    expect(existsSync(join(runDir, "mlx-cluster.pid"))).toBe(false);
    const pid = Number(/pid (\d+)/.exec(start.stdout)?.[1]);
    expect(alive(pid)).toBe(false);
  });

  it("reports a cluster that exits during start, with its log", async () => {
    runDir = join(tmp, "run-crash");
    const start = runScript(
      "hooks/cluster-start.sh",
      ["single"],
      await hookEnv({ FAKE_BEHAVIOUR: "crash" }),
    );
    expect(start.status).toBe(1);
    expect(start.stderr).toMatch(/fake cluster: cannot load model/);
    expect(start.stderr).toMatch(/the cluster exited before it was ready/);
  });

  it("kills a cluster that ignores SIGTERM", async () => {
    runDir = join(tmp, "run-stubborn");
    const env = await hookEnv({ FAKE_BEHAVIOUR: "ignore-term", CLUSTER_STOP_TIMEOUT: "1" });
    expect(runScript("hooks/cluster-start.sh", ["distributed"], env).status).toBe(0);
    const pid = Number(readFileSync(join(runDir, "mlx-cluster.pid"), "utf8"));
    const stop = runScript("hooks/cluster-stop.sh", [], env);
    expect(stop.status, stop.out).toBe(0);
    expect(stop.stderr).toMatch(/ignored SIGTERM for 1s; sending SIGKILL/);
    expect(alive(pid)).toBe(false);
  });

  it.each([
    [["sideways"], {}, 2, /usage: cluster-start\.sh distributed\|single/],
    [["single"], { MLX_CLUSTER_DIR: "" }, 2, /MLX_CLUSTER_DIR is not set/],
    [
      ["single"],
      { MLX_CLUSTER_DIR: "/nonexistent" },
      2,
      /MLX_CLUSTER_DIR=\/nonexistent has no run_distributed_openai\.py/,
    ],
    [
      ["single"],
      { CLUSTER_READY_TIMEOUT: "soon" },
      2,
      /CLUSTER_READY_TIMEOUT must be a positive number of seconds, got 'soon'/,
    ],
    [
      ["single"],
      { CLUSTER_PYTHON: "no-such-python" },
      2,
      /CLUSTER_PYTHON=no-such-python is not on PATH/,
    ],
  ])("refuses %j %j with exit %i", async (args, override, code, message) => {
    runDir = join(tmp, "run-bad");
    const r = runScript("hooks/cluster-start.sh", args, { ...(await hookEnv()), ...override });
    expect(r.status).toBe(code);
    expect(r.stderr).toMatch(message);
  });
});

describe("crash recovery of a hook-started cluster", () => {
  it("the worker's leftover cleanup runs cluster-stop.sh, so the next cluster-start.sh starts", async () => {
    runDir = join(tmp, "run-crash");
    const env = await hookEnv();
    const stateFile = join(tmp, "crash-state", "state.json");
    const manager = createClusterManager({
      config: parseMlxbenchConfig({
        cluster: {
          readiness_timeout_s: 30,
          distributed: {
            start: `bash ${join(RUNNER_DIR, "hooks/cluster-start.sh")} distributed`,
            stop: `bash ${join(RUNNER_DIR, "hooks/cluster-stop.sh")}`,
            api_url: env.CLUSTER_API_URL,
          },
        },
      }),
      cwd: tmp,
      logDir: join(tmp, "crash-logs"),
      stateFile,
      logger: pino({ level: "silent" }),
      graceMs: 1000,
      env,
    });
    await manager.start("distributed");
    const pid = Number(readFileSync(join(runDir, "mlx-cluster.pid"), "utf8"));
    expect(alive(pid)).toBe(true);

    // The worker dies here without stopping. The hook put the cluster in a process group of its
    // own, so the next start refuses: the failure this recovery exists for.
    const refused = runScript("hooks/cluster-start.sh", ["distributed"], env);
    expect(refused.status, refused.out).toBe(3);

    const ended = await killLeftoverGroups(stateFile, 1000, 20_000);
    expect(ended.filter((e) => "exitCode" in e).map((e) => e.mode)).toEqual(["distributed"]);
    expect(alive(pid)).toBe(false);
    expect(existsSync(join(runDir, "mlx-cluster.pid"))).toBe(false);

    const restarted = runScript("hooks/cluster-start.sh", ["distributed"], env);
    expect(restarted.status, restarted.out).toBe(0);
  }, 60_000);
});
