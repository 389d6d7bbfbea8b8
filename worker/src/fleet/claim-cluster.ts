import type { Redis } from "ioredis";
import { clusterClaimKey } from "@mlxbench/proto";
import { ClusterClaimedError } from "./cluster-claimed-error.js";

// Compare-and-set scripts: only the holder renews or releases its claim.
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

export interface ClusterClaim {
  readonly fingerprint: string;
  /** Extends the claim; false when it was lost (expired and taken by another runner). */
  renew(): Promise<boolean>;
  release(): Promise<void>;
}

export interface ClaimClusterOptions {
  redis: Redis;
  keyPrefix: string;
  /** RUNNER_FINGERPRINT: the hardware the runner drives (e.g. runner-macos/fingerprint.sh). */
  fingerprint: string;
  runnerId: string;
  ttlMs: number;
}

/**
 * Claims a cluster for one runner so two runners never drive the same hardware. Throws
 * ClusterClaimedError naming the holder when another runner's claim is live.
 */
export async function claimCluster(opts: ClaimClusterOptions): Promise<ClusterClaim> {
  const key = clusterClaimKey(opts.keyPrefix, opts.fingerprint);
  const set = await opts.redis.set(key, opts.runnerId, "PX", opts.ttlMs, "NX");
  if (set !== "OK") {
    const holder = await opts.redis.get(key);
    // The same runner id restarting within the TTL takes its own claim back.
    if (holder !== opts.runnerId) {
      throw new ClusterClaimedError(opts.fingerprint, holder ?? "(expired just now; retry)");
    }
    await opts.redis.pexpire(key, opts.ttlMs);
  }
  return {
    fingerprint: opts.fingerprint,
    async renew() {
      return (await opts.redis.eval(RENEW, 1, key, opts.runnerId, opts.ttlMs)) === 1;
    },
    async release() {
      await opts.redis.eval(RELEASE, 1, key, opts.runnerId);
    },
  };
}
