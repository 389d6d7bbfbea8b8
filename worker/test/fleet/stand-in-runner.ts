// A fleet runner whose job body is a stand-in for the suite: it records start/done events in Redis
// and sleeps for the job's planned duration, watching the cancel key. Run as a child process
// (`tsx stand-in-runner.ts`) by fleet.e2e.test.ts and `npm run bench:fleet`, so that a runner can
// really be killed. Everything else — pool queues, gate, claim, heartbeat — is the production code.
import { Worker } from "bullmq";
import { Redis } from "ioredis";
import { pino } from "pino";
import { jobCancelKey, parseRunnerLabels } from "@mlxbench/proto";
import {
  claimCluster,
  releaseFairTagOnFinish,
  runGated,
  startHeartbeat,
  startPoolWorker,
  workerRedisOptions,
} from "../../src/queue/index.js";
import { standInKeys } from "./stand-in-keys.js";

const env = process.env;
const redisUrl = env.REDIS_URL ?? "redis://127.0.0.1:6379";
const prefix = env.KEY_PREFIX ?? "mlxbench:";
const runnerId = env.RUNNER_ID ?? "runner";
const fingerprint = env.RUNNER_FINGERPRINT ?? runnerId;
const beatMs = Number(env.BEAT_MS ?? 500);
const lockMs = Number(env.LOCK_MS ?? 2000);
const defaultJobMs = Number(env.JOB_MS ?? 200);
const labels = parseRunnerLabels(env.RUNNER_LABELS ?? "");
const logger = pino({ level: "silent" });
const keys = standInKeys(prefix);

const redis = new Redis(redisUrl, { maxRetriesPerRequest: 3 });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const event = (ev: string, jobId: string) =>
  redis.rpush(keys.events, JSON.stringify({ ev, jobId, runnerId, fingerprint, t: Date.now() }));

async function body(jobId: string): Promise<string> {
  const active = await redis.incr(keys.active(fingerprint));
  if (active > 1) await event("overlap", jobId);
  await event("start", jobId);
  try {
    const ms = Number((await redis.hget(keys.durations, jobId)) ?? defaultJobMs);
    const end = Date.now() + ms;
    while (Date.now() < end) {
      if ((await redis.get(jobCancelKey(jobId, prefix))) !== null) {
        await event("cancelled", jobId);
        return "cancelled";
      }
      await sleep(Math.min(50, end - Date.now()));
    }
    await event("done", jobId);
    return "done";
  } finally {
    await redis.decr(keys.active(fingerprint));
  }
}

let claim;
try {
  claim = await claimCluster({
    redis,
    keyPrefix: prefix,
    fingerprint,
    runnerId,
    ttlMs: beatMs * 3,
  });
} catch (err) {
  process.stderr.write(`${(err as Error).name}: ${(err as Error).message}\n`);
  process.exit(3);
}
const workers: Worker[] = [];
const pool = await startPoolWorker({
  baseQueue: env.QUEUE_NAME ?? "mlxbench",
  labels,
  logger,
  startConsumer(queueName, label, gate) {
    const worker = new Worker(
      queueName,
      (job, token) => runGated(gate, job, token, label, () => body(job.id ?? "")),
      {
        connection: workerRedisOptions(redisUrl),
        concurrency: 1,
        lockDuration: lockMs,
        stalledInterval: lockMs,
        maxStalledCount: 3,
      },
    );
    releaseFairTagOnFinish(worker, redis, prefix, logger);
    workers.push(worker);
    return Promise.resolve({
      pause: () => worker.pause(true),
      resume: () => worker.resume(),
      close: () => worker.close(),
    });
  },
  onJob: (job) =>
    heartbeat.setCurrentJob(job && { ...job, startedAt: Date.now(), progress: "stand-in" }),
});
const heartbeat = await startHeartbeat({
  redis,
  keyPrefix: prefix,
  runnerId,
  labels,
  claim,
  beatMs,
  logger,
});
process.stdout.write(`ready ${pool.queues.join(",")}\n`);
process.once("SIGTERM", () => {
  void (async () => {
    await pool.close();
    await heartbeat.stop();
    await claim.release();
    redis.disconnect();
    process.exit(0);
  })();
});
