import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startReferenceCluster, type ReferenceCluster } from "@mlxbench/sim";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./run-cli.js";

// The plain-line progress of `mlxbench suite` (what a CI log shows) against the reference cluster
// and a single device: every phase's counts go up by its steps and end at its total (issue 18: the
// comparison counted from 0/2, communication jumped 6/10 → 8/10 and stopped there).

let cluster: ReferenceCluster;
let single: ReferenceCluster;
let dir: string;

beforeAll(async () => {
  [cluster, single] = await Promise.all([
    startReferenceCluster({ devices: 3, seed: 11 }),
    startReferenceCluster({ devices: 1, seed: 12 }),
  ]);
  dir = await mkdtemp(join(tmpdir(), "mlxbench-progress-"));
});

afterAll(async () => {
  await Promise.all([cluster.stop(), single.stop()]);
  await rm(dir, { recursive: true, force: true });
});

/** Each phase's "(done/total)" pairs, in order, from the plain progress lines. */
function countsByPhase(log: string): Map<string, [number, number][]> {
  const phases = new Map<string, [number, number][]>();
  for (const line of log.split("\n")) {
    const m = /^\[[\d:]+\] {3}(.+?): .* \((\d+)\/(\d+)\)$/.exec(line);
    if (!m) continue;
    const [, phase = "", done = "", total = ""] = m;
    phases.set(phase, [...(phases.get(phase) ?? []), [Number(done), Number(total)]]);
  }
  return phases;
}

describe("suite progress counts", () => {
  it("count up one step at a time and end at each phase's total", async () => {
    const config = join(dir, "mlxbench.yml");
    await writeFile(
      config,
      [
        "test_prompts:",
        '  - ["tiny", "Say hello.", 8]',
        '  - ["short", "Name three colours.", 12]',
      ].join("\n"),
    );
    let log = "";
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
        "--single-device-api-url",
        single.apiUrl,
        "--single-device-grpc-target",
        single.grpcTarget,
        "--output-dir",
        join(dir, "out"),
        "--iterations-validation",
        "1",
        "--inference-iterations",
        "2",
        "--concurrent-requests",
        "2",
        "--tensor-iterations",
        "2",
        "--iterations-performance",
        "2",
        "--communication-iterations",
        "2",
      ],
      {
        stdout: { write: () => true },
        stderr: { write: (s: string) => (log += s), isTTY: false },
        cwd: dir,
      },
    );
    expect(code).toBeLessThan(2);
    const phases = countsByPhase(log);
    expect([...phases.keys()]).toEqual(
      expect.arrayContaining(["communication", "single device vs distributed"]),
    );
    for (const [phase, counts] of phases) {
      const total = counts[0]?.[1] ?? 0;
      expect(
        counts.map(([done]) => done),
        phase,
      ).toEqual(Array.from({ length: total }, (_, i) => i + 1));
      expect(new Set(counts.map(([, t]) => t)), phase).toEqual(new Set([total]));
    }
    // two modes × two repetitions
    expect(phases.get("single device vs distributed")?.at(-1)).toEqual([4, 4]);
  }, 120_000);
});
