import { execFile } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { CLI_USAGE } from "./parse-cli-args.js";
import { simBundlePath } from "./sim-entry.js";

const run = promisify(execFile);

describe("simBundlePath", () => {
  it("builds the sim from the current source once per process, .proto files beside it", async () => {
    const before = Date.now();
    const path = simBundlePath();
    expect(simBundlePath()).toBe(path);
    expect(statSync(path).mtimeMs).toBeGreaterThanOrEqual(before - 1000);
    // Two folders below dist/, where load-protos.ts looks for ../../protos/.
    const protos = join(dirname(path), "..", "..", "protos");
    for (const f of ["mlx_distributed.proto", "mlx_distributed_comm.proto", "tensor_service.proto"])
      expect(existsSync(join(protos, f)), f).toBe(true);
    // The bundle runs under plain node and prints the usage of the source it was built from.
    const { stdout } = await run(process.execPath, [path, "--help"]);
    expect(stdout.trim()).toBe(CLI_USAGE.trim());
  });

  it("names the bad option when the bundled sim is given one", async () => {
    const err = (await run(process.execPath, [simBundlePath(), "--devcies", "3"]).catch(
      (e: unknown) => e,
    )) as { code?: number; stderr?: string };
    expect(err.code).not.toBe(0);
    expect(err.stderr).toContain("--devcies");
  });
});
