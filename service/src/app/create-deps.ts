import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { pino, type Logger } from "pino";
import type { Config } from "../config/index.js";
import { createGitHubClientFactory } from "../github/index.js";
import type { AppDeps } from "./create-app.js";
import { toRedisOptions } from "./redis-options.js";

/** Builds the real dependencies from config; the one place the entry points share. */
export async function createDeps(
  config: Config,
  log: Logger = pino({ level: config.LOG_LEVEL }),
): Promise<AppDeps & { close(): Promise<void> }> {
  // A producer fails fast: with the offline queue off, a down Redis errors instead of waiting.
  const redis = new Redis(config.REDIS_URL, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    lazyConnect: true,
  });
  redis.on("error", (err) => log.warn({ err }, "redis connection error"));
  await redis.connect();
  const queue = new Queue(config.QUEUE_NAME, { connection: toRedisOptions(config.REDIS_URL) });
  queue.on("error", (err) => log.warn({ err }, "queue error"));
  const github = createGitHubClientFactory({
    appId: config.GITHUB_APP_ID,
    privateKey: config.GITHUB_PRIVATE_KEY,
    ...(config.GITHUB_API_URL === undefined ? {} : { baseUrl: config.GITHUB_API_URL }),
    log,
    retries: config.GITHUB_RETRIES,
  });
  return {
    config,
    redis,
    queue,
    github,
    log,
    async close() {
      await queue.close();
      redis.disconnect();
    },
  };
}
