import { spawn } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { SimClusterStartError, spawnSimCluster } from "./spawn-sim-cluster.js";

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("spawnSimCluster", () => {
  it("starts the sim in its own process, parses its addresses and leaves nothing after stop", async () => {
    const sim = await spawnSimCluster({ devices: 2, seed: 7 });
    try {
      expect(sim.pid).not.toBe(process.pid);
      expect(isAlive(sim.pid)).toBe(true);
      expect(sim.apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(sim.grpcTarget).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(sim.deviceIds).toHaveLength(2);
      const health = (await (await fetch(`${sim.apiUrl}/health`)).json()) as { status: string };
      expect(health.status).toBe("healthy");
    } finally {
      await sim.stop();
    }
    expect(isAlive(sim.pid)).toBe(false);
    await sim.stop(); // idempotent
  });

  it("fails with a clear error naming the sim's complaint when the sim cannot start", async () => {
    const err = await spawnSimCluster({ devices: 0, seed: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SimClusterStartError);
    expect((err as Error).message).toMatch(
      /reference cluster \(0 device\(s\)\) did not start: exited with 2/,
    );
    expect((err as Error).message).toMatch(/devices/);
  });
});

describe("npm run demo", () => {
  it("stops its reference clusters when it gets SIGTERM", async () => {
    const demo = fileURLToPath(new URL("./demo.ts", import.meta.url));
    const child = spawn(
      process.execPath,
      [
        "--import",
        import.meta.resolve("tsx"),
        demo,
        join(tmpdir(), `mlxbench-demo-sigterm-${process.pid}`),
      ],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let out = "";
    const pids = await new Promise<number[]>((resolve, reject) => {
      child.stdout.on("data", (c: Buffer) => {
        out += c.toString();
        const found = [...out.matchAll(/pid (\d+)\)/g)].map((m) => Number(m[1]));
        if (found.length === 2) resolve(found);
      });
      child.once("exit", (code) => reject(new Error(`demo exited (${code}) early:\n${out}`)));
    });
    expect(pids.every(isAlive)).toBe(true);
    const exited = new Promise<number | null>((resolve) =>
      child.once("exit", (code) => resolve(code)),
    );
    child.kill("SIGTERM");
    expect(await exited).toBe(143);
    expect(pids.filter(isAlive)).toEqual([]);
  }, 60_000);
});
