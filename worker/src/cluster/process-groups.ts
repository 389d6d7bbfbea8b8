import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";

/** A process group the worker started, recorded so a crashed worker's leftovers can be ended. */
export interface RecordedGroup {
  pgid: number;
  mode: string;
  command: string;
  startedAt: string;
}

/** Whether any process of the group is alive. */
export function isGroupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else; we did not start it, so it is not ours to wait for.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** TERM the whole group, then KILL what is left after `graceMs`; resolves when the group is gone. */
export async function terminateGroup(
  pgid: number,
  graceMs = 5000,
): Promise<"gone" | "terminated" | "killed"> {
  if (!isGroupAlive(pgid)) return "gone";
  signalGroup(pgid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isGroupAlive(pgid)) return "terminated";
    await sleep(50);
  }
  signalGroup(pgid, "SIGKILL");
  for (let i = 0; i < 100 && isGroupAlive(pgid); i++) await sleep(20);
  return "killed";
}

/** The state file of started process groups (JSON), written atomically. */
export function createGroupRegistry(stateFile: string) {
  let queue: Promise<unknown> = Promise.resolve();
  const read = async (): Promise<RecordedGroup[]> => {
    try {
      const parsed = JSON.parse(await readFile(stateFile, "utf8")) as { groups?: RecordedGroup[] };
      return Array.isArray(parsed.groups)
        ? parsed.groups.filter((g) => Number.isInteger(g.pgid) && g.pgid > 1)
        : [];
    } catch {
      return [];
    }
  };
  const write = async (groups: RecordedGroup[]): Promise<void> => {
    await mkdir(dirname(stateFile), { recursive: true });
    const tmp = `${stateFile}.${process.pid}.tmp`;
    await writeFile(tmp, `${JSON.stringify({ groups }, null, 2)}\n`);
    await rename(tmp, stateFile);
  };
  // Serialise read-modify-write: start and stop may overlap.
  const update = (fn: (groups: RecordedGroup[]) => RecordedGroup[]): Promise<void> => {
    const next = queue.then(async () => write(fn(await read())));
    queue = next.catch(() => undefined);
    return next;
  };
  return {
    read,
    add: (g: RecordedGroup) => update((gs) => [...gs.filter((x) => x.pgid !== g.pgid), g]),
    remove: (pgid: number) => update((gs) => gs.filter((x) => x.pgid !== pgid)),
  };
}
export type GroupRegistry = ReturnType<typeof createGroupRegistry>;

/**
 * Ends every process group a previous worker recorded and did not stop (it crashed or was
 * killed), then clears the record. Returns what was ended.
 */
export async function killLeftoverGroups(
  stateFile: string,
  graceMs = 5000,
): Promise<RecordedGroup[]> {
  const registry = createGroupRegistry(stateFile);
  const groups = await registry.read();
  const ended: RecordedGroup[] = [];
  for (const g of groups) {
    if ((await terminateGroup(g.pgid, graceMs)) !== "gone") ended.push(g);
    await registry.remove(g.pgid);
  }
  return ended;
}
