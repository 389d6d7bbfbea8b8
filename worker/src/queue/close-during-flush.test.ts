import { randomUUID } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLocalArchiveStore, type ArchiveStore } from "@mlxbench/archive";
import { createDryRunPublisher, DRY_RUN_FILES } from "../github/index.js";
import { systemClock } from "../pipeline/index.js";
import { startBenchmarkWorker, workerRedisOptions } from "./index.js";
import { unreachableJob } from "./test-support.js";

const logger = pino({ level: "silent" });
const queueName = `test-close-${randomUUID()}`;
let tmp: string;
let redis: Redis;
let producer: Queue;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "queue-close-test-"));
  redis = new Redis("redis://127.0.0.1:6379", { maxRetriesPerRequest: 1 });
  producer = new Queue(queueName, { connection: workerRedisOptions("redis://127.0.0.1:6379") });
});
afterAll(async () => {
  await producer.obliterate({ force: true });
  await producer.close();
  redis.disconnect();
  await rm(tmp, { recursive: true, force: true });
});

describe("the benchmark worker shutting down", () => {
  it("requeues a job it picked up while the spool was being flushed, without starting the run", async () => {
    const inner = createLocalArchiveStore(join(tmp, "archive"));
    // Uploads hang once armed, until released: the job is picked up and held in flushSpool.
    let armed = false;
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let putCalled!: () => void;
    const putWaiting = new Promise<void>((r) => (putCalled = r));
    const store: ArchiveStore = {
      ...inner,
      async put(...args: Parameters<ArchiveStore["put"]>) {
        if (armed) {
          putCalled();
          await released;
        }
        return inner.put(...args);
      },
    };
    const spoolDir = join(tmp, "spool");
    const workDir = join(tmp, "work");
    const bw = await startBenchmarkWorker({
      queueName,
      connection: workerRedisOptions("redis://127.0.0.1:6379"),
      redis,
      keyPrefix: `${queueName}:`,
      deps: {
        store,
        spoolDir,
        workDir,
        cloneCacheDir: join(tmp, "clones"),
        clusterStateFile: join(tmp, "groups.json"),
        checkName: "mlxbench",
        logger,
        clock: systemClock,
        createPublisher: (_job, runDir) => createDryRunPublisher(runDir),
      },
      logger,
      maxAttempts: 3,
      backoffMs: 50,
      cancelPollMs: 100,
    });
    // A run left in the spool after the worker started: the processor flushes it first.
    await createLocalArchiveStore(join(spoolDir, "spooled-1")).put(
      "reports/octo/hello/runs/spooled-1/result.json",
      Buffer.from("{}"),
      "application/json",
    );
    armed = true;
    const data = unreachableJob("close-during-flush-1", tmp, "c".repeat(40));
    await producer.add("benchmark", data, { jobId: data.jobId });
    await putWaiting;
    const closed = bw.close();
    release();
    await closed;

    const job = await producer.getJob(data.jobId);
    expect(await job?.getState()).toBe("delayed");
    const progress = await readFile(
      join(workDir, "runs", data.jobId, DRY_RUN_FILES.progress),
      "utf8",
    );
    expect(progress).toContain("the worker is shutting down");
    // The run never began: no fetch of the commit was attempted.
    expect(progress).not.toContain("fetching");
  });
});
