import { randomUUID } from "node:crypto";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { pino } from "pino";
import type { Hono } from "hono";
import { createGitHubDouble, type GitHubDouble } from "@mlxbench/sim/github";
import { createApp, toRedisOptions } from "../app/index.js";
import { createPoolQueues, type PoolQueues } from "../fleet/index.js";
import { loadConfig, type Config } from "../config/index.js";
import { createGitHubClientFactory } from "../github/index.js";
import type { PagesDeps } from "../pages/index.js";
import { signPayload } from "../webhooks/index.js";

export const SECRETS = ["new-secret", "old-secret"] as const;
export const INSTALLATION_ID = 1;
export const REPO = "Codertocat/Hello-World";

export interface Harness {
  app: Hono;
  gh: GitHubDouble;
  config: Config;
  redis: Redis;
  queue: Queue;
  /** The runner pools' queues, with `pools: true`. */
  pools?: PoolQueues;
  deliver(event: string, payload: unknown, options?: DeliverOptions): Promise<Response>;
  close(): Promise<void>;
}

export interface DeliverOptions {
  deliveryId?: string;
  secret?: string;
  /** Overrides the computed signature; null sends none. */
  signature?: string | null;
  rawBody?: string;
}

export interface HarnessOptions {
  env?: Record<string, string>;
  /** Points the service's Redis (and queue) somewhere else, e.g. a closed port. */
  redisUrl?: string;
  queueRedisUrl?: string;
  gh?: GitHubDouble;
  /** The fetch the service's Octokit uses: a test can act between a request and its sending. */
  githubFetch?: typeof globalThis.fetch;
  /** Mounts the archive pages over this archive. */
  pages?: PagesDeps;
  /** Runner pools on (RUNNER_POOLS=true): runs go to `<QUEUE_NAME>.<label>` queues. */
  pools?: boolean;
}

/** The app over real Redis (a fresh queue and key prefix) and a fresh GitHub double. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const gh = options.gh ?? (await createGitHubDouble());
  gh.addInstallation(INSTALLATION_ID, [REPO]);
  const id = randomUUID();
  const config = loadConfig({
    WEBHOOK_SECRET: SECRETS.join(","),
    GITHUB_APP_ID: String(gh.appId),
    GITHUB_PRIVATE_KEY: gh.privateKey,
    GITHUB_API_URL: gh.url,
    QUEUE_NAME: `test-${id}`,
    KEY_PREFIX: `test-${id}:`,
    PUBLIC_URL: "https://mlxbench.example.com/",
    GITHUB_RETRIES: "1",
    LOG_LEVEL: "silent",
    ...(options.pools ? { RUNNER_POOLS: "true" } : {}),
    ...options.env,
  });
  const redisUrl = options.redisUrl ?? config.REDIS_URL;
  const redis = new Redis(redisUrl, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    lazyConnect: true,
  });
  redis.on("error", () => undefined);
  await redis.connect().catch(() => undefined);
  const queue = new Queue(config.QUEUE_NAME, {
    connection: toRedisOptions(options.queueRedisUrl ?? redisUrl),
  });
  queue.on("error", () => undefined);
  const log = pino({ level: "silent" });
  const pools = options.pools
    ? createPoolQueues(config.QUEUE_NAME, toRedisOptions(redisUrl))
    : undefined;
  const usedLabels = new Set<string>();
  const trackedPools: PoolQueues | undefined = pools && {
    queueFor(label) {
      usedLabels.add(label);
      return pools.queueFor(label);
    },
    close: () => pools.close(),
  };
  const app = createApp({
    config,
    redis,
    queue,
    log,
    ...(options.pages === undefined ? {} : { pages: options.pages }),
    ...(trackedPools === undefined ? {} : { pools: trackedPools }),
    github: createGitHubClientFactory({
      appId: config.GITHUB_APP_ID,
      privateKey: config.GITHUB_PRIVATE_KEY,
      baseUrl: gh.url,
      log,
      retries: config.GITHUB_RETRIES,
      retryAfterBaseValue: 1,
      ...(options.githubFetch === undefined ? {} : { fetch: options.githubFetch }),
    }),
  });

  return {
    app,
    gh,
    config,
    redis,
    queue,
    ...(trackedPools === undefined ? {} : { pools: trackedPools }),
    async deliver(event, payload, o = {}) {
      const body = o.rawBody ?? JSON.stringify(payload);
      const headers: Record<string, string> = {
        "content-type": "application/json",
        "x-github-event": event,
        "x-github-delivery": o.deliveryId ?? randomUUID(),
        "user-agent": "GitHub-Hookshot/test",
      };
      const signature =
        o.signature === undefined ? signPayload(body, o.secret ?? SECRETS[0]) : o.signature;
      if (signature !== null) headers["x-hub-signature-256"] = signature;
      return app.request("/webhooks/github", { method: "POST", headers, body });
    },
    async close() {
      if (redis.status === "ready" && options.queueRedisUrl === undefined) {
        await queue.obliterate({ force: true }).catch(() => undefined);
        for (const label of usedLabels)
          await trackedPools
            ?.queueFor(label)
            .obliterate({ force: true })
            .catch(() => undefined);
        const keys = await redis.keys(`${config.KEY_PREFIX}*`);
        if (keys.length > 0) await redis.del(...keys);
      }
      // A queue whose Redis is unreachable never finishes closing: do not wait for it.
      await Promise.race([
        queue.close().catch(() => undefined),
        new Promise((r) => setTimeout(r, 500)),
      ]);
      await trackedPools?.close();
      redis.disconnect();
      if (!options.gh) await gh.close();
    },
  };
}
