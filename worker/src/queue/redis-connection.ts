import type { RedisOptions } from "ioredis";

/**
 * Connection options of the worker for REDIS_URL. BullMQ brings its own ioredis, so it gets
 * options, not our client; workers block on Redis, so `maxRetriesPerRequest` is null (BullMQ
 * requires it) and commands wait out a restart.
 */
export function workerRedisOptions(url: string): RedisOptions {
  const u = new URL(url);
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : undefined;
  return {
    host: u.hostname,
    port: u.port === "" ? 6379 : Number(u.port),
    ...(u.username === "" ? {} : { username: decodeURIComponent(u.username) }),
    ...(u.password === "" ? {} : { password: decodeURIComponent(u.password) }),
    ...(db === undefined || Number.isNaN(db) ? {} : { db }),
    ...(u.protocol === "rediss:" ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
  };
}
