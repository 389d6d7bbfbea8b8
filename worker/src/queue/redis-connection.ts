import { parseRedisUrl } from "@mlxbench/proto";
import type { RedisOptions } from "ioredis";

/**
 * Connection options of the worker for REDIS_URL. Workers block on Redis, so
 * `maxRetriesPerRequest` is null (BullMQ requires it) and commands wait out a restart.
 */
export function workerRedisOptions(url: string): RedisOptions {
  return { ...parseRedisUrl(url), maxRetriesPerRequest: null };
}
