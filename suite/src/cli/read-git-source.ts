import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { RunSource } from "@mlxbench/proto";

const run = promisify(execFile);

/**
 * The commit and branch of the git checkout at `cwd`, for a run's `source` (so the executive
 * summary names what was measured). Not a checkout, or no git: `{}` — the run is still valid.
 */
export async function readGitSource(cwd: string): Promise<RunSource> {
  const git = async (...args: string[]): Promise<string | undefined> => {
    try {
      const { stdout } = await run("git", args, { cwd, timeout: 5000 });
      return stdout.trim() || undefined;
    } catch {
      return undefined;
    }
  };
  const commit = await git("rev-parse", "--verify", "HEAD");
  if (commit === undefined || !/^[0-9a-f]{40,64}$/.test(commit)) return {};
  const branch = await git("symbolic-ref", "--short", "-q", "HEAD");
  return { commit, ...(branch ? { branch } : {}) };
}
