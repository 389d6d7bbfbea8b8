import { Queue } from "bullmq";
import { createPoolQueues } from "../fleet/index.js";
import { Redis } from "ioredis";
import { pino, type Logger } from "pino";
import { resolve } from "node:path";
import {
  createLocalArchiveStore,
  createS3ArchiveStore,
  createS3Client,
  type ArchiveStore,
} from "@mlxbench/archive";
import type { Config } from "../config/index.js";
import { loadPagesConfig } from "../pages/index.js";
import { createGitHubClientFactory } from "../github/index.js";
import type { AppDeps } from "./create-app.js";
import { toRedisOptions } from "./redis-options.js";

/** Builds the real dependencies from config; the one place the entry points share. */
export async function createDeps(
  config: Config,
  log: Logger = pino({ level: config.LOG_LEVEL }),
  env: Record<string, string | undefined> = process.env,
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
  const pools = createPoolQueues(config.QUEUE_NAME, toRedisOptions(config.REDIS_URL));
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
    pools,
    github,
    log,
    pages: {
      store: createArchiveStore(config),
      ...loadPagesConfig(env),
      publicUrl: config.PUBLIC_URL,
      log,
    },
    async close() {
      await queue.close();
      await pools.close();
      redis.disconnect();
    },
  };
}

/** The archive the pages read: the same bucket (or local directory) the worker writes. */
function createArchiveStore(config: Config): ArchiveStore {
  if (config.ARCHIVE_BUCKET === undefined)
    return createLocalArchiveStore(resolve(config.ARCHIVE_DIR));
  const client = createS3Client({
    ...(config.AWS_REGION === undefined ? {} : { region: config.AWS_REGION }),
    ...(config.S3_ENDPOINT === undefined ? {} : { endpoint: config.S3_ENDPOINT }),
  });
  return createS3ArchiveStore({
    client,
    bucket: config.ARCHIVE_BUCKET,
    ...(config.ARCHIVE_PREFIX ? { prefix: config.ARCHIVE_PREFIX } : {}),
  });
}
