import { fork } from "node:child_process";
import { createWriteStream } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Logger } from "pino";
import type { RunResult } from "@mlxbench/proto";
import type { ClusterManager } from "../cluster/index.js";
import type { ChildMessage, ParentMessage, SuiteChildSpec } from "./suite-child-protocol.js";

const CHILD_ENTRY = fileURLToPath(new URL("./suite-child.ts", import.meta.url));
// Resolved here, so the child finds tsx whatever its working directory.
const TSX = import.meta.resolve("tsx");

/** The suite's child process ended without a result. */
export class SuiteProcessError extends Error {
  override readonly name = "SuiteProcessError";
}

export interface SuiteChildResult {
  runResult: RunResult;
  files: string[];
}

/**
 * Runs the suite in a child Node process (tsx), forwarding its cluster start/stop requests to
 * `cluster` and its progress lines to `onProgress`. An abort sends SIGTERM (the suite stops and
 * keeps what it measured), then SIGKILL after `graceMs`.
 */
export function runSuiteInChild(opts: {
  spec: SuiteChildSpec;
  cluster: ClusterManager;
  logger: Logger;
  /** The child's stderr (the suite's JSON log) is appended here. */
  logFile: string;
  onProgress?: (line: string) => void;
  signal?: AbortSignal;
  graceMs?: number;
}): Promise<SuiteChildResult> {
  const { spec, cluster, logger } = opts;
  return new Promise((resolve, reject) => {
    const child = fork(CHILD_ENTRY, [], {
      execArgv: ["--import", TSX],
      stdio: ["ignore", "pipe", "pipe", "ipc"],
      serialization: "advanced",
    });
    const log = createWriteStream(opts.logFile, { flags: "a" });
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });
    let result: SuiteChildResult | null = null;
    let failure: string | null = null;
    let killTimer: NodeJS.Timeout | undefined;

    const onAbort = (): void => {
      child.kill("SIGTERM");
      killTimer = setTimeout(() => child.kill("SIGKILL"), opts.graceMs ?? 10_000);
    };
    if (opts.signal?.aborted) onAbort();
    else opts.signal?.addEventListener("abort", onAbort, { once: true });

    const reply = (m: ParentMessage): void => {
      if (child.connected) child.send(m);
    };
    child.on("message", (m: ChildMessage) => {
      switch (m.type) {
        case "progress":
          opts.onProgress?.(m.line);
          break;
        case "lifecycle": {
          const op = m.op === "start" ? cluster.start(m.mode, opts.signal) : cluster.stop(m.mode);
          op.then(
            () => reply({ type: "lifecycle-reply", id: m.id, ok: true }),
            (err: unknown) => {
              logger.warn({ err, mode: m.mode, op: m.op }, "cluster request of the suite failed");
              reply({
                type: "lifecycle-reply",
                id: m.id,
                ok: false,
                error: err instanceof Error ? err.message : String(err),
              });
            },
          );
          break;
        }
        case "done":
          result = { runResult: m.runResult, files: m.files };
          break;
        case "failed":
          failure = m.message;
          break;
      }
    });
    child.once("error", (err) => {
      failure ??= err.message;
    });
    child.once("close", (code, sig) => {
      clearTimeout(killTimer);
      opts.signal?.removeEventListener("abort", onAbort);
      log.end();
      if (result) resolve(result);
      else
        reject(
          new SuiteProcessError(
            failure ??
              `suite process exited (code ${String(code)}, signal ${String(sig)}) without a result`,
          ),
        );
    });
    child.send({ type: "run", spec } satisfies ParentMessage);
  });
}
