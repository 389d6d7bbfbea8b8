import { spawn, type ChildProcess } from "node:child_process";
import type { ClusterMode, MlxbenchConfig } from "@mlxbench/proto";
import type { Logger } from "pino";
import { ClusterCommandError } from "./errors.js";

/** Starts and stops the cluster in a mode; the suite waits for readiness itself. */
export interface ClusterLifecycle {
  has(mode: ClusterMode): boolean;
  start(mode: ClusterMode): Promise<void>;
  stop(mode: ClusterMode): Promise<void>;
}

const TAIL_BYTES = 4000;

/**
 * Runs the config's start and stop commands through the shell. A start command may stay in the
 * foreground (`python run_distributed_openai.py`) or daemonize: it is not awaited, only watched
 * for an early failure; stop runs the stop command and ends what start left running.
 */
export function createCommandLifecycle(
  config: MlxbenchConfig,
  opts: { cwd: string; logger: Logger; stopTimeoutMs?: number },
): ClusterLifecycle {
  const running = new Map<
    ClusterMode,
    { child: ChildProcess; output: () => string; exited: Promise<number | null> }
  >();
  const modeConfig = (mode: ClusterMode) => config.cluster[mode];

  const run = (command: string, env: Record<string, string>) => {
    const child = spawn(command, {
      shell: true,
      cwd: opts.cwd,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
      detached: process.platform !== "win32",
    });
    let tail = "";
    const keep = (b: Buffer): void => {
      tail = (tail + b.toString("utf8")).slice(-TAIL_BYTES);
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    const exited = new Promise<number | null>((resolve) => {
      child.on("error", (err) => {
        keep(Buffer.from(`\n${err.message}\n`));
        resolve(-1);
      });
      child.on("exit", (code) => resolve(code));
    });
    return { child, output: () => tail, exited };
  };

  return {
    has: (mode) => modeConfig(mode).start !== undefined,
    async start(mode) {
      const cfg = modeConfig(mode);
      if (!cfg.start) return;
      opts.logger.info({ mode, command: cfg.start }, "starting cluster");
      const proc = run(cfg.start, cfg.env);
      running.set(mode, proc);
      // A start command that fails at once (typo, missing script) fails here, not at the readiness timeout.
      const early = await Promise.race([
        proc.exited,
        new Promise<"running">((r) => setTimeout(() => r("running"), 500)),
      ]);
      if (early !== "running" && early !== 0) {
        running.delete(mode);
        throw new ClusterCommandError(
          `cluster start command for ${mode} exited with ${String(early)}: ${proc.output().trim().slice(-800)}`,
          cfg.start,
          early,
        );
      }
    },
    async stop(mode) {
      const cfg = modeConfig(mode);
      const proc = running.get(mode);
      running.delete(mode);
      let failure: ClusterCommandError | undefined;
      if (cfg.stop) {
        opts.logger.info({ mode, command: cfg.stop }, "stopping cluster");
        const stopper = run(cfg.stop, cfg.env);
        const timeout = new Promise<"timeout">((r) =>
          setTimeout(() => r("timeout"), opts.stopTimeoutMs ?? 60_000).unref(),
        );
        const code = await Promise.race([stopper.exited, timeout]);
        if (code === "timeout") killGroup(stopper.child);
        if (code !== 0) {
          failure = new ClusterCommandError(
            `cluster stop command for ${mode} ${code === "timeout" ? "timed out" : `exited with ${String(code)}`}: ${stopper.output().trim().slice(-800)}`,
            cfg.stop,
            code === "timeout" ? null : code,
          );
        }
      }
      if (proc && proc.child.exitCode === null) {
        killGroup(proc.child);
        await Promise.race([proc.exited, new Promise((r) => setTimeout(r, 5000).unref())]);
      }
      if (failure) throw failure;
    },
  };
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    // The start command ran in its own process group: end the whole group, not just the shell.
    process.kill(-child.pid, "SIGTERM");
  } catch {
    child.kill("SIGTERM");
  }
}
