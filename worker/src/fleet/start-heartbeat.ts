import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { poolLastSeenKey, runnerKey, type RunnerHeartbeat } from "@mlxbench/proto";
import type { ClusterClaim } from "./claim-cluster.js";

export interface HeartbeatOptions {
  redis: Redis;
  keyPrefix: string;
  runnerId: string;
  labels: string[];
  claim: ClusterClaim;
  beatMs: number;
  now?: () => number;
  logger: Logger;
  /** Called when the cluster claim was lost: the runner must stop taking work. */
  onClaimLost?: () => void;
}

export interface Heartbeat {
  setCurrentJob(job: RunnerHeartbeat["currentJob"]): void;
  /** Writes one beat now (also done every beatMs). */
  beat(): Promise<void>;
  /** Stops beating and removes the runner's record (a clean stop is not a lost runner). */
  stop(): Promise<void>;
}

/**
 * Writes the runner's presence record (TTL 3 beats: one missed beat is not death) and the pools'
 * last-seen times, and renews the cluster claim with the same rhythm.
 */
export async function startHeartbeat(opts: HeartbeatOptions): Promise<Heartbeat> {
  const now = opts.now ?? Date.now;
  const key = runnerKey(opts.keyPrefix, opts.runnerId);
  let currentJob: RunnerHeartbeat["currentJob"] = null;
  let stopped = false;

  async function beat(): Promise<void> {
    if (stopped) return;
    const at = now();
    const record: RunnerHeartbeat = {
      runnerId: opts.runnerId,
      labels: opts.labels,
      fingerprint: opts.claim.fingerprint,
      at,
      beatMs: opts.beatMs,
      currentJob,
    };
    const seen = Object.fromEntries(opts.labels.map((l) => [l, String(at)]));
    await opts.redis
      .multi()
      .set(key, JSON.stringify(record), "PX", opts.beatMs * 3)
      .hset(poolLastSeenKey(opts.keyPrefix), seen)
      .exec();
    if (!(await opts.claim.renew())) {
      opts.logger.error({ fingerprint: opts.claim.fingerprint }, "cluster claim lost");
      opts.onClaimLost?.();
    }
  }

  await beat();
  const timer = setInterval(() => {
    beat().catch((err: unknown) => opts.logger.warn({ err }, "heartbeat not written"));
  }, opts.beatMs);
  timer.unref();
  return {
    setCurrentJob(job) {
      currentJob = job;
      void beat().catch((err: unknown) => opts.logger.warn({ err }, "heartbeat not written"));
    },
    beat,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await opts.redis.del(key);
    },
  };
}
