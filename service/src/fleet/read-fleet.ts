import type { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { poolLastSeenKey, RunnerHeartbeat, runnerKeyPattern } from "@mlxbench/proto";

export interface PoolStatus {
  label: string;
  runnersOnline: number;
  /** Epoch ms a runner of the pool last beat; null: never. */
  lastSeen: number | null;
  waiting: number;
  active: number;
  /** Seconds the oldest waiting job has waited. */
  oldestWaitS: number | null;
}

export interface FleetSnapshot {
  at: number;
  pools: PoolStatus[];
  runners: RunnerHeartbeat[];
}

/** Live runners: records whose TTL (3 beats) has not run out. */
export async function readRunners(redis: Redis, keyPrefix: string): Promise<RunnerHeartbeat[]> {
  const keys: string[] = [];
  let cursor = "0";
  do {
    const [next, batch] = await redis.scan(
      cursor,
      "MATCH",
      runnerKeyPattern(keyPrefix),
      "COUNT",
      200,
    );
    cursor = next;
    keys.push(...batch);
  } while (cursor !== "0");
  if (keys.length === 0) return [];
  const values = await redis.mget(keys);
  return values.flatMap((v) => {
    if (v === null) return [];
    const parsed = RunnerHeartbeat.safeParse(JSON.parse(v));
    return parsed.success ? [parsed.data] : [];
  });
}

/** Every label a runner has ever served, with when it was last seen. */
export async function readPoolsLastSeen(
  redis: Redis,
  keyPrefix: string,
): Promise<Map<string, number>> {
  const raw = await redis.hgetall(poolLastSeenKey(keyPrefix));
  return new Map(Object.entries(raw).map(([k, v]) => [k, Number(v)]));
}

/** Pools, runners, queue depth and waits, for /fleet.json and the fleet page. */
export async function readFleet(opts: {
  redis: Redis;
  keyPrefix: string;
  queueFor: (label: string) => Queue;
  now: () => number;
}): Promise<FleetSnapshot> {
  const [runners, lastSeen] = await Promise.all([
    readRunners(opts.redis, opts.keyPrefix),
    readPoolsLastSeen(opts.redis, opts.keyPrefix),
  ]);
  const at = opts.now();
  const pools = await Promise.all(
    [...lastSeen.keys()].sort().map(async (label): Promise<PoolStatus> => {
      const queue = opts.queueFor(label);
      const counts = await queue.getJobCounts("waiting", "prioritized", "active", "delayed");
      const oldest = [...(await queue.getJobs(["waiting", "prioritized"], 0, 50, true))].reduce<
        number | null
      >((min, j) => (min === null || j.timestamp < min ? j.timestamp : min), null);
      return {
        label,
        runnersOnline: runners.filter((r) => r.labels.includes(label)).length,
        lastSeen: lastSeen.get(label) ?? null,
        waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0) + (counts.delayed ?? 0),
        active: counts.active ?? 0,
        oldestWaitS: oldest === null ? null : Math.max(0, (at - oldest) / 1000),
      };
    }),
  );
  return { at, pools, runners };
}
