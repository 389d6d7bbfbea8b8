import { spawn } from "node:child_process";
import { mkdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
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

/** Where the cluster code reads the time (the pipeline's Clock, structurally). */
export interface ClockLike {
  now(): number;
}

const SYSTEM_CLOCK: ClockLike = { now: () => Date.now() };

/** TERM the whole group, then KILL what is left after `graceMs`; resolves when the group is gone. */
export async function terminateGroup(
  pgid: number,
  graceMs = 5000,
  clock: ClockLike = SYSTEM_CLOCK,
): Promise<"gone" | "terminated" | "killed"> {
  if (!isGroupAlive(pgid)) return "gone";
  signalGroup(pgid, "SIGTERM");
  const deadline = clock.now() + graceMs;
  while (clock.now() < deadline) {
    if (!isGroupAlive(pgid)) return "terminated";
    await sleep(50);
  }
  signalGroup(pgid, "SIGKILL");
  for (let i = 0; i < 100 && isGroupAlive(pgid); i++) await sleep(20);
  return "killed";
}

/**
 * A mode whose `stop` command has not run yet: recorded at start, removed once the manager
 * stopped it. A start command may daemonize out of the recorded process group (the MLX hook
 * does, with `set -m`); only its own stop command reaches that, so crash recovery runs it.
 */
export interface RecordedStop {
  mode: string;
  /** The config's stop command, run by `/bin/sh -c`. */
  command: string;
  /** Where it ran at start (the checkout); recovery falls back to the temp dir if it is gone. */
  cwd: string;
  /** The environment the manager gave start and stop, beyond the worker's own. */
  env: Record<string, string>;
  startedAt: string;
}

interface State {
  groups: RecordedGroup[];
  stops: RecordedStop[];
}

const isRecordedStop = (s: unknown): s is RecordedStop => {
  const r = s as Partial<RecordedStop> | null;
  return (
    typeof r === "object" &&
    r !== null &&
    typeof r.mode === "string" &&
    typeof r.command === "string" &&
    typeof r.cwd === "string" &&
    typeof r.env === "object" &&
    r.env !== null
  );
};

/** The state file of started process groups and pending stop commands (JSON), written atomically. */
export function createGroupRegistry(stateFile: string) {
  let queue: Promise<unknown> = Promise.resolve();
  const readState = async (): Promise<State> => {
    try {
      const parsed = JSON.parse(await readFile(stateFile, "utf8")) as {
        groups?: RecordedGroup[];
        stops?: unknown[];
      };
      return {
        groups: Array.isArray(parsed.groups)
          ? parsed.groups.filter((g) => Number.isInteger(g.pgid) && g.pgid > 1)
          : [],
        stops: Array.isArray(parsed.stops) ? parsed.stops.filter(isRecordedStop) : [],
      };
    } catch {
      return { groups: [], stops: [] };
    }
  };
  const write = async (state: State): Promise<void> => {
    await mkdir(dirname(stateFile), { recursive: true });
    const tmp = `${stateFile}.${process.pid}.tmp`;
    await writeFile(tmp, `${JSON.stringify(state, null, 2)}\n`);
    await rename(tmp, stateFile);
  };
  // Serialise read-modify-write: start and stop may overlap.
  const update = (fn: (state: State) => State): Promise<void> => {
    const next = queue.then(async () => write(fn(await readState())));
    queue = next.catch(() => undefined);
    return next;
  };
  return {
    read: async (): Promise<RecordedGroup[]> => (await readState()).groups,
    readStops: async (): Promise<RecordedStop[]> => (await readState()).stops,
    add: (g: RecordedGroup) =>
      update((st) => ({ ...st, groups: [...st.groups.filter((x) => x.pgid !== g.pgid), g] })),
    remove: (pgid: number) =>
      update((st) => ({ ...st, groups: st.groups.filter((x) => x.pgid !== pgid) })),
    addStop: (s: RecordedStop) =>
      update((st) => ({ ...st, stops: [...st.stops.filter((x) => x.mode !== s.mode), s] })),
    removeStop: (mode: string) =>
      update((st) => ({ ...st, stops: st.stops.filter((x) => x.mode !== mode) })),
  };
}
export type GroupRegistry = ReturnType<typeof createGroupRegistry>;

/** A stop command crash recovery ran, and how it ended. */
export interface LeftoverStop extends RecordedStop {
  /** Exit code of the stop command; null when it was ended by a signal, timed out or could not run. */
  exitCode: number | null;
}

/** Runs a recorded stop command in its own process group; bounded by `timeoutMs`. */
async function runRecordedStop(
  s: RecordedStop,
  timeoutMs: number,
  graceMs: number,
  clock: ClockLike,
): Promise<number | null> {
  const cwd = await stat(s.cwd).then(
    (st) => (st.isDirectory() ? s.cwd : tmpdir()),
    () => tmpdir(),
  );
  const child = spawn("/bin/sh", ["-c", s.command], {
    cwd,
    env: { ...process.env, ...s.env, MLXBENCH_CLUSTER_MODE: s.mode },
    stdio: "ignore",
    detached: true,
  });
  const done = new Promise<number | null>((resolve) => {
    child.once("error", () => resolve(null));
    child.once("exit", (code) => resolve(code));
  });
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), timeoutMs);
  });
  const result = await Promise.race([done, timedOut]);
  clearTimeout(timer);
  if (result === "timeout") {
    if (child.pid !== undefined) await terminateGroup(child.pid, graceMs, clock);
    return null;
  }
  return result;
}

/**
 * Ends what a previous worker started and did not stop (it crashed or was killed), then clears
 * the record: first each pending stop command (the cluster's own way down, which also reaches
 * processes that left the recorded group), then every recorded process group. Returns what was
 * ended.
 */
export async function killLeftoverGroups(
  stateFile: string,
  graceMs = 5000,
  stopTimeoutMs = 60_000,
  clock: ClockLike = SYSTEM_CLOCK,
): Promise<(RecordedGroup | LeftoverStop)[]> {
  const registry = createGroupRegistry(stateFile);
  const ended: (RecordedGroup | LeftoverStop)[] = [];
  for (const s of await registry.readStops()) {
    ended.push({ ...s, exitCode: await runRecordedStop(s, stopTimeoutMs, graceMs, clock) });
    await registry.removeStop(s.mode);
  }
  for (const g of await registry.read()) {
    if ((await terminateGroup(g.pgid, graceMs, clock)) !== "gone") ended.push(g);
    await registry.remove(g.pgid);
  }
  return ended;
}
