/** The connection fields of a `redis://` or `rediss://` URL, in ioredis's option names. */
export interface RedisUrlOptions {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db?: number;
  tls?: Record<string, never>;
}

/**
 * Parses REDIS_URL once for every Redis client of the service and worker (each adds its own
 * retry policy). BullMQ brings its own ioredis, so it is given options, not a client.
 */
export function parseRedisUrl(url: string): RedisUrlOptions {
  const u = new URL(url);
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : undefined;
  return {
    host: u.hostname,
    port: u.port === "" ? 6379 : Number(u.port),
    ...(u.username === "" ? {} : { username: decodeURIComponent(u.username) }),
    ...(u.password === "" ? {} : { password: decodeURIComponent(u.password) }),
    ...(db === undefined || Number.isNaN(db) ? {} : { db }),
    ...(u.protocol === "rediss:" ? { tls: {} } : {}),
  };
}
