import { hostname } from "node:os";
import type { Redis, RedisOptions } from "ioredis";
import type { Logger } from "pino";
import type { PipelineDeps } from "../pipeline/index.js";
import {
  claimCluster,
  releaseFairTagOnFinish,
  startHeartbeat,
  startPoolWorker,
} from "../fleet/index.js";
import type { WorkerConfig } from "./load-worker-config.js";
import { startBenchmarkWorker } from "./start-benchmark-worker.js";

export interface FleetRunner {
  queues: string[];
  close(): Promise<void>;
}

/**
 * A runner of the fleet: claims its cluster by fingerprint (ClusterClaimedError if another runner
 * holds it), heartbeats its labels, and consumes `<QUEUE_NAME>.<label>` for each label, one job at
 * a time across them.
 */
export async function startFleetRunner(opts: {
  config: WorkerConfig & { RUNNER_LABELS: string[]; RUNNER_FINGERPRINT: string };
  connection: RedisOptions;
  redis: Redis;
  deps: PipelineDeps;
  logger: Logger;
}): Promise<FleetRunner> {
  const { config, redis, logger } = opts;
  const runnerId = config.RUNNER_ID ?? hostname();
  const claim = await claimCluster({
    redis,
    keyPrefix: config.KEY_PREFIX,
    fingerprint: config.RUNNER_FINGERPRINT,
    runnerId,
    ttlMs: config.HEARTBEAT_MS * 3,
  });
  // Filled below; a lost claim (the heartbeat's renew failed) stops the runner taking work.
  const holder: { pool?: Awaited<ReturnType<typeof startPoolWorker>> } = {};
  const heartbeat = await startHeartbeat({
    redis,
    keyPrefix: config.KEY_PREFIX,
    runnerId,
    labels: config.RUNNER_LABELS,
    claim,
    beatMs: config.HEARTBEAT_MS,
    logger,
    onClaimLost: () => void holder.pool?.close(),
  });
  const started = await startPoolWorker({
    baseQueue: config.QUEUE_NAME,
    labels: config.RUNNER_LABELS,
    logger,
    onJob: (job) =>
      heartbeat.setCurrentJob(job && { ...job, startedAt: Date.now(), progress: "running" }),
    async startConsumer(queueName, label, gate) {
      const bw = await startBenchmarkWorker({
        queueName,
        connection: opts.connection,
        redis,
        keyPrefix: config.KEY_PREFIX,
        deps: opts.deps,
        logger: logger.child({ pool: label }),
        lockDurationMs: config.LOCK_DURATION_MS,
        stalledIntervalMs: config.STALLED_INTERVAL_MS,
        maxAttempts: config.MAX_ATTEMPTS,
        backoffMs: config.BACKOFF_MS,
        cancelPollMs: config.CANCEL_POLL_MS,
        gate: { gate, label },
        globalConcurrency: null,
      });
      releaseFairTagOnFinish(bw.worker, redis, config.KEY_PREFIX, logger);
      return {
        pause: () => bw.worker.pause(true),
        resume: () => bw.worker.resume(),
        close: () => bw.close(),
      };
    },
  });
  holder.pool = started;
  return {
    queues: started.queues,
    async close() {
      await started.close();
      await heartbeat.stop();
      await claim.release();
    },
  };
}
