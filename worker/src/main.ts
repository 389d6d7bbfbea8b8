// `npm run worker`: the BullMQ worker of one cluster's queue. Reads config, builds clients, starts.
import { Redis } from "ioredis";
import { pino } from "pino";
import {
  createPipelineDeps,
  loadWorkerConfig,
  startBenchmarkWorker,
  startFleetRunner,
  ClusterClaimedError,
  WorkerConfigError,
  workerRedisOptions,
} from "./queue/index.js";
import { systemClock } from "./pipeline/index.js";

let config;
try {
  config = loadWorkerConfig(process.env);
} catch (err) {
  if (err instanceof WorkerConfigError) {
    console.error(`mlxbench worker: ${err.message}`);
    process.exit(2);
  }
  throw err;
}
const logger = pino({
  level: config.LOG_LEVEL,
  base: { app: "mlxbench-worker", queue: config.QUEUE_NAME },
});
// BullMQ's blocking commands must wait out a Redis restart rather than fail.
const connection = new Redis(config.REDIS_URL, workerRedisOptions(config.REDIS_URL));
connection.on("error", (err) => logger.warn({ err: err.message }, "redis error"));
const deps = createPipelineDeps(config, logger, {
  clock: systemClock,
  ...(process.env.MLXBENCH_SUITE_LOG_LEVEL
    ? { suiteLogLevel: process.env.MLXBENCH_SUITE_LOG_LEVEL }
    : {}),
});
const { RUNNER_LABELS, RUNNER_FINGERPRINT } = config;
// RUNNER_LABELS set: a fleet runner on `<QUEUE_NAME>.<label>` queues (docs/install.md, Runner pools).
const worker =
  RUNNER_LABELS && RUNNER_FINGERPRINT
    ? await startFleetRunner({
        config: { ...config, RUNNER_LABELS, RUNNER_FINGERPRINT },
        connection: workerRedisOptions(config.REDIS_URL),
        redis: connection,
        deps,
        logger,
      }).catch((err: unknown) => {
        if (!(err instanceof ClusterClaimedError)) throw err;
        console.error(`mlxbench worker: ${err.message}`);
        process.exit(2);
      })
    : await startBenchmarkWorker({
        queueName: config.QUEUE_NAME,
        connection: workerRedisOptions(config.REDIS_URL),
        redis: connection,
        keyPrefix: config.KEY_PREFIX,
        deps,
        logger,
        lockDurationMs: config.LOCK_DURATION_MS,
        stalledIntervalMs: config.STALLED_INTERVAL_MS,
        maxAttempts: config.MAX_ATTEMPTS,
        backoffMs: config.BACKOFF_MS,
        cancelPollMs: config.CANCEL_POLL_MS,
      });
logger.info(
  { archive: deps.store.location, publisher: config.GITHUB_APP_ID ? "github" : "dry-run" },
  "worker started",
);
console.log(
  `mlxbench worker: queue ${RUNNER_LABELS ? RUNNER_LABELS.map((l) => `${config.QUEUE_NAME}.${l}`).join(", ") : config.QUEUE_NAME}, archive ${deps.store.location}, ${config.GITHUB_APP_ID ? "GitHub App" : "dry run (no GitHub App)"}`,
);

let stopping = false;
const shutdown = (signal: string): void => {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, "shutting down: no new jobs, the running one is stopped and requeued");
  worker.close().then(
    () => {
      connection.disconnect();
      process.exit(0);
    },
    (err: unknown) => {
      logger.error({ err }, "shutdown failed");
      process.exit(1);
    },
  );
};
process.once("SIGTERM", () => shutdown("SIGTERM"));
process.once("SIGINT", () => shutdown("SIGINT"));
