import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseMlxbenchConfig } from "@mlxbench/proto";
import {
  ClusterStartError,
  createClusterManager,
  createGroupRegistry,
  isGroupAlive,
  killLeftoverGroups,
} from "./index.js";

const logger = pino({ level: "silent" });
const ROOT = resolve(import.meta.dirname, "../../..");
let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "cluster-test-"));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

function manager(cluster: Record<string, unknown>, name: string) {
  const dir = join(tmp, name);
  return {
    dir,
    stateFile: join(dir, "state.json"),
    m: createClusterManager({
      config: parseMlxbenchConfig({ cluster }),
      cwd: ROOT,
      logDir: join(dir, "logs"),
      stateFile: join(dir, "state.json"),
      logger,
      graceMs: 2000,
    }),
  };
}

describe("cluster lifecycle", () => {
  it("starts the reference cluster, waits for readiness, and stops its whole process group", async () => {
    const port = await freePort();
    const { m, stateFile } = manager(
      {
        readiness_timeout_s: 60,
        distributed: {
          start: `exec node --import tsx sim/src/main.ts --port ${port} --grpc-port 0`,
          api_url: `http://127.0.0.1:${port}`,
          grpc_target: `127.0.0.1:${port + 1}`,
        },
      },
      "sim",
    );
    await m.start("distributed");
    const health = (await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as {
      status: string;
    };
    expect(health.status).toBe("healthy");
    const recorded = await createGroupRegistry(stateFile).read();
    expect(recorded).toHaveLength(1);
    const pgid = recorded[0]?.pgid ?? 0;
    expect(isGroupAlive(pgid)).toBe(true);
    await m.stop("distributed");
    expect(isGroupAlive(pgid)).toBe(false);
    expect(await createGroupRegistry(stateFile).read()).toEqual([]);
    expect(await readFile(m.logFile("distributed"), "utf8")).toContain("reference cluster");
    await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
  });

  it("fails fast with the log when the start command fails", async () => {
    const { m } = manager(
      {
        readiness_timeout_s: 60,
        distributed: { start: "echo 'model weights not found' >&2; exit 3" },
      },
      "fails",
    );
    const err = await m.start("distributed").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClusterStartError);
    expect((err as ClusterStartError).message).toContain("start command exited with 3");
    expect((err as ClusterStartError).log).toContain("model weights not found");
    expect(m.running()).toEqual([]);
  });

  it("gives up at the readiness timeout and kills what it started, running the stop command too", async () => {
    const port = await freePort();
    const { m, stateFile } = manager(
      {
        readiness_timeout_s: 1,
        distributed: {
          start: "sleep 60 & sleep 60",
          stop: "echo stop-command-ran",
          api_url: `http://127.0.0.1:${port}`,
        },
      },
      "timeout",
    );
    const err = await m.start("distributed").catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/not ready .* within 1 s: unreachable/);
    expect(await createGroupRegistry(stateFile).read()).toEqual([]);
    const log = await readFile(m.logFile("distributed"), "utf8");
    expect(log).toContain("stop-command-ran");
    const pgid = Number(/process group (\d+)/.exec(log)?.[1]);
    expect(isGroupAlive(pgid)).toBe(false);
  });

  it("kills the leftovers of a crashed worker recorded in the state file", async () => {
    const stateFile = join(tmp, "crash", "state.json");
    const child = spawn("/bin/sh", ["-c", "sleep 60 & sleep 60"], {
      detached: true,
      stdio: "ignore",
    });
    const pgid = child.pid ?? 0;
    await createGroupRegistry(stateFile).add({
      pgid,
      mode: "distributed",
      command: "sleep",
      startedAt: new Date().toISOString(),
    });
    expect(isGroupAlive(pgid)).toBe(true);
    const ended = await killLeftoverGroups(stateFile, 1000);
    expect(ended.map((g) => ("pgid" in g ? g.pgid : g.command))).toEqual([pgid]);
    expect(isGroupAlive(pgid)).toBe(false);
    expect(await createGroupRegistry(stateFile).read()).toEqual([]);
  });

  it("runs the stop command of a mode a crashed worker started, reaching what left its process group", async () => {
    const dir = join(tmp, "crash-daemon");
    await mkdir(dir, { recursive: true });
    const pidFile = join(dir, "daemon.pid");
    // A start command like the MLX hook's: the cluster goes into a process group of its own
    // (setsid), out of reach of the recorded group; only the stop command knows its pid.
    const { m, stateFile } = manager(
      {
        "single-device": {
          start: `setsid sleep 300 </dev/null >/dev/null 2>&1 & echo $! > "$DAEMON_PID"`,
          stop: `kill "$(cat "$DAEMON_PID")" && rm "$DAEMON_PID"`,
          env: { DAEMON_PID: pidFile },
        },
      },
      "crash-daemon",
    );
    await m.start("single-device");
    const [recorded] = await createGroupRegistry(stateFile).readStops();
    expect(recorded?.mode).toBe("single-device");
    expect(recorded?.env).toEqual({ DAEMON_PID: pidFile });
    let pid = Number.NaN;
    for (let i = 0; i < 100 && Number.isNaN(pid); i++) {
      pid = Number((await readFile(pidFile, "utf8").catch(() => "")).trim() || Number.NaN);
      if (Number.isNaN(pid)) await new Promise((r) => setTimeout(r, 50));
    }
    const alive = (p: number): boolean => {
      try {
        process.kill(p, 0);
        return true;
      } catch {
        return false;
      }
    };
    expect(alive(pid)).toBe(true);
    // The worker "crashes": its manager is dropped without stop. Ending recorded groups alone
    // would leave the daemon running; the recorded stop command ends it.
    const ended = await killLeftoverGroups(stateFile, 1000, 10_000);
    expect(
      ended.filter((e) => "exitCode" in e).map((e) => [e.mode, "exitCode" in e && e.exitCode]),
    ).toEqual([["single-device", 0]]);
    for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 20));
    expect(alive(pid)).toBe(false);
    expect(await createGroupRegistry(stateFile).readStops()).toEqual([]);
    expect(await createGroupRegistry(stateFile).read()).toEqual([]);
  });

  it("clears the pending stop once the manager stopped the mode itself", async () => {
    const dir = join(tmp, "clean-stop");
    await mkdir(dir, { recursive: true });
    const { m, stateFile } = manager(
      { "single-device": { start: "sleep 30", stop: `touch "${join(dir, "stopped")}"` } },
      "clean-stop",
    );
    await m.start("single-device");
    expect((await createGroupRegistry(stateFile).readStops()).map((s) => s.command)).toEqual([
      `touch "${join(dir, "stopped")}"`,
    ]);
    await m.stop("single-device");
    expect(await createGroupRegistry(stateFile).readStops()).toEqual([]);
    expect(await killLeftoverGroups(stateFile, 1000)).toEqual([]);
  });
});
