// Shared helpers of the worker's end-to-end tests.
import { readFile } from "node:fs/promises";

export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  timeoutMs = 60_000,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== null && v !== false) return v;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out waiting for ${what}${lastError instanceof Error ? `: ${lastError.message}` : ""}`,
      );
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Process groups recorded in the worker's cluster state file. */
export async function recordedGroups(stateFile: string): Promise<number[]> {
  try {
    const parsed = JSON.parse(await readFile(stateFile, "utf8")) as { groups?: { pgid: number }[] };
    return (parsed.groups ?? []).map((g) => g.pgid);
  } catch {
    return [];
  }
}

export function isAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}
