// Entry point of the suite's child process (spawned by run-suite-in-child.ts with an IPC channel).
// The suite runs here so the worker's event loop stays free to renew the BullMQ lock; cluster
// start/stop requests go back to the parent, which owns the cluster's processes.
import { pino } from "pino";
import type { ClusterMode } from "@mlxbench/proto";
import {
  resolveSuiteOptions,
  runSuite,
  systemClock,
  type ClusterLifecycle,
  type ProgressReporter,
} from "@mlxbench/suite";
import type { ChildMessage, ParentMessage, SuiteChildSpec } from "./suite-child-protocol.js";

const send = (m: ChildMessage): void => {
  process.send?.(m);
};
const controller = new AbortController();
process.once("SIGTERM", () => controller.abort(new Error("cancelled")));
process.once("SIGINT", () => controller.abort(new Error("cancelled")));
process.once("disconnect", () => controller.abort(new Error("parent went away")));

let nextId = 1;
const pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();

function lifecycleFor(spec: SuiteChildSpec): ClusterLifecycle {
  const call = (op: "start" | "stop", mode: ClusterMode): Promise<void> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      send({ type: "lifecycle", id, op, mode });
    });
  return {
    has: (mode) => spec.managedModes.includes(mode),
    start: (mode) => call("start", mode),
    stop: (mode) => call("stop", mode),
  };
}

const progress: ProgressReporter = {
  phase: (label) => send({ type: "progress", line: label }),
  advance: () => undefined,
  note: (message) => send({ type: "progress", line: message }),
  finish: () => undefined,
};

async function run(spec: SuiteChildSpec): Promise<void> {
  const logger = pino(
    { level: spec.logLevel, base: { app: "mlxbench-suite" } },
    pino.destination({ fd: 2, sync: true }),
  );
  const options = resolveSuiteOptions(spec.flags, spec.config, spec.profile);
  options.outputDir = spec.outputDir;
  const out = await runSuite(
    {
      options,
      ...(spec.managedModes.length ? { lifecycle: lifecycleFor(spec) } : {}),
      source: spec.source,
      versions: spec.versions,
    },
    { clock: systemClock, logger, progress, signal: controller.signal },
  );
  send({ type: "done", runResult: out.runResult, files: out.files });
}

process.on("message", (m: ParentMessage) => {
  if (m.type === "run") {
    run(m.spec).then(
      () => process.disconnect(),
      (err: unknown) => {
        send({ type: "failed", message: err instanceof Error ? err.message : String(err) });
        process.disconnect();
      },
    );
  } else if (m.type === "lifecycle-reply") {
    const p = pending.get(m.id);
    pending.delete(m.id);
    if (m.ok) p?.resolve();
    else p?.reject(new Error(m.error ?? "lifecycle call failed"));
  }
});
