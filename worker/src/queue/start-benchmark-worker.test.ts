import { randomUUID } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLocalArchiveStore, loadRun } from "@mlxbench/archive";
import { createDryRunPublisher } from "../github/index.js";
import { systemClock } from "../pipeline/index.js";
import { startBenchmarkWorker, workerRedisOptions, type BenchmarkWorker } from "./index.js";
import { unreachableJob } from "./test-support.js";

const logger = pino({ level: "silent" });
const queueName = `test-${randomUUID()}`;
let tmp: string;
let redis: Redis;
let producer: Queue;
let worker: BenchmarkWorker;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "queue-test-"));
  redis = new Redis("redis://127.0.0.1:6379", { maxRetriesPerRequest: 1 });
  producer = new Queue(queueName, { connection: workerRedisOptions("redis://127.0.0.1:6379") });
  worker = await startBenchmarkWorker({
    queueName,
    connection: workerRedisOptions("redis://127.0.0.1:6379"),
    redis,
    keyPrefix: `${queueName}:`,
    deps: {
      store: createLocalArchiveStore(join(tmp, "archive")),
      spoolDir: join(tmp, "spool"),
      workDir: join(tmp, "work"),
      cloneCacheDir: join(tmp, "clones"),
      clusterStateFile: join(tmp, "groups.json"),
      checkName: "mlxbench",
      logger,
      clock: systemClock,
      createPublisher: (_job, runDir) => createDryRunPublisher(runDir),
    },
    logger,
    maxAttempts: 2,
    backoffMs: 50,
    cancelPollMs: 100,
  });
});
afterAll(async () => {
  await worker.close();
  await producer.obliterate({ force: true });
  await producer.close();
  redis.disconnect();
  await rm(tmp, { recursive: true, force: true });
});

async function finished(jobId: string) {
  for (let i = 0; i < 600; i++) {
    const job = await producer.getJob(jobId);
    const state = job ? await job.getState() : "unknown";
    if (job && (state === "completed" || state === "failed")) return { job, state };
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`job ${jobId} did not finish`);
}

describe("the benchmark worker", () => {
  it("sets the queue's global concurrency to 1, so a second worker instance cannot run in parallel", async () => {
    expect(await producer.getGlobalConcurrency()).toBe(1);
  });

  it("fails an invalid job at once, without retries", async () => {
    await producer.add(
      "benchmark",
      { schemaVersion: 1, jobId: "bad" },
      { jobId: "invalid-1", attempts: 3 },
    );
    const { job, state } = await finished("invalid-1");
    expect(state).toBe("failed");
    expect(job.failedReason).toContain("invalid benchmark job");
    expect(job.attemptsMade).toBe(1);
  });

  it("concludes the check run of a job that stalled past BullMQ's limit, which runJob never saw", async () => {
    const stallQueue = `test-${randomUUID()}`;
    const connection = workerRedisOptions("redis://127.0.0.1:6379");
    const q = new Queue(stallQueue, { connection });
    const data = unreachableJob("stalled-1", tmp, "c".repeat(40));
    await q.add("benchmark", data, { jobId: data.jobId });
    // A worker that took the job and died: its lock (300 ms) is never renewed.
    const ghost = new Worker(stallQueue, null, { connection, lockDuration: 300 });
    const taken = await ghost.getNextJob("ghost-token");
    expect(taken?.id).toBe(data.jobId);
    await ghost.close();
    const workDir = join(tmp, "stall-work");
    const bw = await startBenchmarkWorker({
      queueName: stallQueue,
      connection,
      redis,
      keyPrefix: `${stallQueue}:`,
      deps: {
        store: createLocalArchiveStore(join(tmp, "stall-archive")),
        spoolDir: join(tmp, "stall-spool"),
        workDir,
        cloneCacheDir: join(tmp, "clones"),
        clusterStateFile: join(tmp, "stall-groups.json"),
        checkName: "mlxbench",
        logger,
        clock: systemClock,
        createPublisher: (_job, runDir) => createDryRunPublisher(runDir),
      },
      logger,
      stalledIntervalMs: 200,
      maxStalledCount: 0,
    });
    try {
      let state = "";
      for (let i = 0; i < 200 && state !== "failed"; i++) {
        await new Promise((r) => setTimeout(r, 50));
        state = (await (await q.getJob(data.jobId))?.getState()) ?? "";
      }
      expect(state).toBe("failed");
      expect((await q.getJob(data.jobId))?.failedReason).toBe(
        "job stalled more than allowable limit",
      );
      const file = join(workDir, "runs", data.jobId, "github", "check-run.json");
      let check: { conclusion?: string; output?: { title?: string; summary?: string } } = {};
      for (let i = 0; i < 100 && check.conclusion === undefined; i++) {
        check = JSON.parse(await readFile(file, "utf8").catch(() => "{}")) as typeof check;
        if (check.conclusion === undefined) await new Promise((r) => setTimeout(r, 50));
      }
      expect(check.conclusion).toBe("failure");
      expect(check.output?.title).toBe("Run abandoned");
      expect(check.output?.summary).toContain("job stalled more than allowable limit");
    } finally {
      await bw.close();
      await q.obliterate({ force: true });
      await q.close();
    }
  });

  it("retries a transient failure with backoff, then concludes on the last attempt", async () => {
    const data = unreachableJob("unreachable-1", tmp, "b".repeat(40));
    await producer.add("benchmark", data, { jobId: data.jobId });
    const { job, state } = await finished(data.jobId);
    expect(state).toBe("completed");
    expect(job.attemptsStarted).toBe(2);
    const run = await loadRun(
      createLocalArchiveStore(join(tmp, "archive")),
      "octo/hello",
      data.jobId,
    );
    expect(run?.meta.conclusion).toBe("failure");
    expect(run?.meta.reason).toContain("fetching the commit failed");
  });
});
