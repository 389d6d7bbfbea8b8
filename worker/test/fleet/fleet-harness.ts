// Starts stand-in runners as child processes and reads what they recorded; shared by
// fleet.e2e.test.ts and bench/fleet.bench.ts.
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import type { Queue } from "bullmq";
import type { Redis } from "ioredis";
import type { BenchmarkJob } from "@mlxbench/proto";
import { standInKeys, type StandInEvent } from "./stand-in-keys.js";

const RUNNER = fileURLToPath(new URL("./stand-in-runner.ts", import.meta.url));

export interface RunnerSpec {
  id: string;
  labels: string[];
  fingerprint?: string;
  jobMs?: number;
}

export interface RunnerProcess {
  readonly id: string;
  readonly child: ChildProcess;
  /** Resolves with the exit code. */
  readonly exited: Promise<number | null>;
  readonly stderr: () => string;
  stop(): Promise<void>;
  kill(): Promise<void>;
}

export interface FleetEnv {
  queueName: string;
  keyPrefix: string;
  beatMs: number;
  lockMs: number;
}

/** Starts a runner; resolves once it serves its pools (or rejects with its stderr if it exits). */
export async function startRunner(env: FleetEnv, spec: RunnerSpec): Promise<RunnerProcess> {
  // node itself (not the tsx wrapper) so that SIGKILL kills the runner, not just a parent of it.
  const child = spawn(process.execPath, ["--import", "tsx", RUNNER], {
    env: {
      ...process.env,
      QUEUE_NAME: env.queueName,
      KEY_PREFIX: env.keyPrefix,
      BEAT_MS: String(env.beatMs),
      LOCK_MS: String(env.lockMs),
      RUNNER_ID: spec.id,
      RUNNER_LABELS: spec.labels.join(","),
      RUNNER_FINGERPRINT: spec.fingerprint ?? spec.id,
      JOB_MS: String(spec.jobMs ?? 200),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let err = "";
  child.stderr?.on("data", (d: Buffer) => (err += d.toString()));
  const exited = once(child, "exit").then(([code]) => code as number | null);
  const ready = new Promise<void>((ok, fail) => {
    child.stdout?.on("data", (d: Buffer) => {
      if (d.toString().includes("ready")) ok();
    });
    void exited.then((code) => fail(new Error(`runner ${spec.id} exited ${code}: ${err}`)));
  });
  await ready;
  return {
    id: spec.id,
    child,
    exited,
    stderr: () => err,
    async stop() {
      child.kill("SIGTERM");
      await exited;
    },
    async kill() {
      child.kill("SIGKILL");
      await exited;
    },
  };
}

export async function readEvents(redis: Redis, keyPrefix: string): Promise<StandInEvent[]> {
  const raw = await redis.lrange(standInKeys(keyPrefix).events, 0, -1);
  return raw.map((r) => JSON.parse(r) as StandInEvent);
}

/** A valid benchmark job for the stand-in runners. */
export function fleetJob(
  jobId: string,
  repo: string,
  sha: string,
  pullRequest?: number,
): BenchmarkJob {
  return {
    schemaVersion: 1,
    jobId,
    installationId: 1,
    repository: {
      fullName: repo,
      cloneUrl: `https://github.com/${repo}.git`,
      defaultBranch: "main",
      private: false,
    },
    commit: { sha },
    trigger: pullRequest === undefined ? "push" : "pull_request",
    ...(pullRequest === undefined ? {} : { pullRequest: { number: pullRequest, fromFork: false } }),
    suite: { quick: true, skipValidation: false, skipCommunication: false },
    requestedBy: "octocat",
    queuedAt: new Date().toISOString(),
  };
}

/** Runs, per job id, that finished ("done") and that overlapped on one cluster. */
export function tally(events: StandInEvent[]): {
  done: Map<string, StandInEvent[]>;
  overlaps: StandInEvent[];
} {
  const done = new Map<string, StandInEvent[]>();
  for (const e of events.filter((x) => x.ev === "done")) {
    done.set(e.jobId, [...(done.get(e.jobId) ?? []), e]);
  }
  return { done, overlaps: events.filter((e) => e.ev === "overlap") };
}

/** Empties and closes the pool queues and deletes every key of this fleet's prefix. */
export async function clearFleet(
  queues: Iterable<Queue>,
  redis: Redis,
  keyPrefix: string,
): Promise<void> {
  for (const q of queues) {
    await q.obliterate({ force: true });
    await q.close();
  }
  const keys = await redis.keys(`${keyPrefix}*`);
  if (keys.length) await redis.del(...keys);
}
