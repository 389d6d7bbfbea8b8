import { parseRedisUrl } from "@mlxbench/proto";
import type { RedisOptions } from "ioredis";

/** Connection options for REDIS_URL: the service fails fast instead of queueing commands offline. */
export function toRedisOptions(url: string): RedisOptions {
  return { ...parseRedisUrl(url), enableOfflineQueue: false, maxRetriesPerRequest: 1 };
}
