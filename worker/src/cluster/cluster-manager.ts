import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, type WriteStream } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "pino";
import type { ClusterMode, MlxbenchConfig } from "@mlxbench/proto";
import { createGroupRegistry, terminateGroup, type ClockLike } from "./process-groups.js";
import { waitForHealth } from "./wait-for-health.js";

/** The cluster did not become ready; `log` is the tail of its output. */
export class ClusterStartError extends Error {
  override readonly name = "ClusterStartError";
  constructor(
    message: string,
    readonly mode: ClusterMode,
    readonly log: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export interface ClusterManagerOptions {
  config: MlxbenchConfig;
  /** The checkout: start and stop commands run here. */
  cwd: string;
  /** Where `cluster-{mode}.log` files go (artifacts of the run). */
  logDir: string;
  /** The process-group state file shared with crash recovery (killLeftoverGroups). */
  stateFile: string;
  logger: Logger;
  /** TERM → KILL grace for the process group (default 5 s). */
  graceMs?: number;
  /** Bound on the stop command (default 60 s). */
  stopTimeoutMs?: number;
  /** Extra environment (e.g. ports chosen by a test). */
  env?: Record<string, string>;
  /** Called with one line when something happens worth showing on the check run. */
  onEvent?: (line: string) => void;
  /** Timestamps and deadlines (default the system clock; the pipeline passes its own). */
  clock?: ClockLike;
}

interface Running {
  mode: ClusterMode;
  child: ChildProcess;
  pgid: number;
  exit: { code: number | null; signal: NodeJS.Signals | null } | null;
  exited: Promise<void>;
}

/** Lifecycle of the benchmarked cluster: the same interface the suite uses (has/start/stop), plus stopAll. */
export interface ClusterManager {
  has(mode: ClusterMode): boolean;
  /** Starts `mode` (stopping the other mode first: they share the hardware) and waits for readiness. */
  start(mode: ClusterMode, signal?: AbortSignal): Promise<void>;
  stop(mode: ClusterMode): Promise<void>;
  /** Stops whatever runs; never throws. */
  stopAll(): Promise<void>;
  running(): ClusterMode[];
  logFile(mode: ClusterMode): string;
  /** Log files written so far. */
  logFiles(): string[];
}

const TAIL_CHARS = 6000;

export function createClusterManager(opts: ClusterManagerOptions): ClusterManager {
  const registry = createGroupRegistry(opts.stateFile);
  const running = new Map<ClusterMode, Running>();
  const logs = new Set<string>();
  const graceMs = opts.graceMs ?? 5000;
  const clock: ClockLike = opts.clock ?? { now: () => Date.now() };
  const isoNow = (): string => new Date(clock.now()).toISOString();
  const log = opts.logger;
  const logFile = (mode: ClusterMode): string => join(opts.logDir, `cluster-${mode}.log`);

  const openLog = async (mode: ClusterMode): Promise<WriteStream> => {
    await mkdir(opts.logDir, { recursive: true });
    logs.add(logFile(mode));
    return createWriteStream(logFile(mode), { flags: "a" });
  };
  const tail = async (mode: ClusterMode): Promise<string> => {
    try {
      return (await readFile(logFile(mode), "utf8")).slice(-TAIL_CHARS);
    } catch {
      return "";
    }
  };

  // The repository's own command (trusted config, like a CI script), in its own process group.
  const spawnCommand = (
    command: string,
    mode: ClusterMode,
    out: WriteStream,
    endOnClose: boolean,
  ): ChildProcess => {
    const child = spawn("/bin/sh", ["-c", command], {
      cwd: opts.cwd,
      env: {
        ...process.env,
        ...opts.env,
        ...opts.config.cluster[mode].env,
        MLXBENCH_CLUSTER_MODE: mode,
      },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    child.stdout?.pipe(out, { end: false });
    child.stderr?.pipe(out, { end: false });
    if (endOnClose) child.once("close", () => out.end());
    return child;
  };

  const stopMode = async (mode: ClusterMode): Promise<void> => {
    const r = running.get(mode);
    running.delete(mode);
    const cfg = opts.config.cluster[mode];
    const out = await openLog(mode);
    try {
      if (cfg.stop) {
        out.write(`\n[mlxbench] stop: ${cfg.stop}\n`);
        const stopper = spawnCommand(cfg.stop, mode, out, false);
        const pgid = stopper.pid;
        const done = new Promise<void>((resolve) => stopper.once("close", () => resolve()));
        const timedOut = await Promise.race([
          done.then(() => false),
          new Promise<boolean>((res) =>
            setTimeout(() => res(true), opts.stopTimeoutMs ?? 60_000).unref(),
          ),
        ]);
        if (timedOut && pgid !== undefined) {
          out.write("[mlxbench] stop command timed out\n");
          await terminateGroup(pgid, graceMs, clock);
        }
      }
      if (r) {
        const how = await terminateGroup(r.pgid, graceMs, clock);
        await Promise.race([r.exited, new Promise((res) => setTimeout(res, 1000).unref())]);
        out.write(`[mlxbench] cluster process group ${r.pgid} ${how}\n`);
        await registry.remove(r.pgid);
        log.info({ mode, pgid: r.pgid, how }, "cluster stopped");
        opts.onEvent?.(`cluster (${mode}) stopped`);
      }
    } finally {
      if (!out.writableEnded) await new Promise<void>((res) => out.end(res));
    }
    // The stop command has run (or timed out and was ended): nothing left for recovery to do.
    await registry.removeStop(mode);
  };

  return {
    has: (mode) => opts.config.cluster[mode].start !== undefined,
    running: () => [...running.keys()],
    logFile,
    logFiles: () => [...logs],
    async start(mode, signal) {
      const cfg = opts.config.cluster[mode];
      if (!cfg.start) return;
      if (running.has(mode)) return;
      for (const other of [...running.keys()]) await stopMode(other);
      const apiUrl = cfg.api_url;
      // Recorded before the start command runs, so a crash at any later point leaves the stop
      // command for recovery (killLeftoverGroups): what a start command daemonizes out of its
      // process group (the MLX hook's `set -m`) only its stop command reaches.
      if (cfg.stop) {
        await registry.addStop({
          mode,
          command: cfg.stop,
          cwd: opts.cwd,
          env: { ...opts.env, ...cfg.env },
          startedAt: isoNow(),
        });
      }
      const out = await openLog(mode);
      out.write(`[mlxbench] start (${mode}) in ${opts.cwd}: ${cfg.start}\n`);
      const child = spawnCommand(cfg.start, mode, out, true);
      if (child.pid === undefined) {
        const err = await new Promise<Error>((res) => child.once("error", res));
        out.end();
        throw new ClusterStartError(
          `cluster (${mode}) could not be started: ${err.message}`,
          mode,
          await tail(mode),
          { cause: err },
        );
      }
      const r: Running = { mode, child, pgid: child.pid, exit: null, exited: Promise.resolve() };
      r.exited = new Promise((resolve) =>
        child.once("exit", (code, sig) => {
          r.exit = { code, signal: sig };
          out.write(
            `[mlxbench] start command exited (code ${String(code)}, signal ${String(sig)})\n`,
          );
          resolve();
        }),
      );
      running.set(mode, r);
      await registry.add({
        pgid: r.pgid,
        mode,
        command: cfg.start,
        startedAt: isoNow(),
      });
      log.info({ mode, pgid: r.pgid, command: cfg.start }, "cluster starting");
      opts.onEvent?.(`cluster (${mode}) starting`);
      if (!apiUrl) {
        // Nothing to poll: a single-device mode without an address is started and trusted.
        return;
      }
      const wait = await waitForHealth(apiUrl, {
        timeoutMs: opts.config.cluster.readiness_timeout_s * 1000,
        clock,
        ...(signal ? { signal } : {}),
        // A start command that exits non-zero has failed; one that exits 0 may have daemonized.
        stopEarly: () =>
          r.exit && r.exit.code !== 0
            ? `start command exited with ${r.exit.code ?? r.exit.signal ?? "?"}`
            : null,
      }).catch(async (err: unknown) => {
        await stopMode(mode);
        throw err;
      });
      if (!wait.ready) {
        await stopMode(mode);
        const message = `cluster (${mode}) not ready at ${apiUrl} within ${opts.config.cluster.readiness_timeout_s} s: ${wait.lastStatus}`;
        throw new ClusterStartError(message, mode, await tail(mode));
      }
      opts.onEvent?.(`cluster (${mode}) ready`);
    },
    stop: stopMode,
    async stopAll() {
      for (const mode of [...running.keys()]) {
        try {
          await stopMode(mode);
        } catch (err) {
          log.error({ err, mode }, "stopping the cluster failed");
        }
      }
    },
  };
}
