import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const RUNNER_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** Runs a script of runner-macos/ with bash and an explicit environment. */
export function runScript(
  script: string,
  args: string[],
  env: Record<string, string> = {},
): SpawnSyncReturns<string> & { out: string } {
  const result = spawnSync("bash", [join(RUNNER_DIR, script), ...args], {
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/tmp", ...env },
    timeout: 60_000,
  });
  return Object.assign(result, { out: `${result.stdout}${result.stderr}` });
}
