import type { RedisOptions } from "ioredis";

/**
 * Connection options for REDIS_URL. BullMQ brings its own ioredis, so the queue gets options
 * rather than our client instance; both fail fast instead of queueing commands offline.
 */
export function toRedisOptions(url: string): RedisOptions {
  const u = new URL(url);
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : undefined;
  return {
    host: u.hostname,
    port: u.port === "" ? 6379 : Number(u.port),
    ...(u.username === "" ? {} : { username: decodeURIComponent(u.username) }),
    ...(u.password === "" ? {} : { password: decodeURIComponent(u.password) }),
    ...(db === undefined || Number.isNaN(db) ? {} : { db }),
    ...(u.protocol === "rediss:" ? { tls: {} } : {}),
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
  };
}
