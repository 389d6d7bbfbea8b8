import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import type { Queue } from "bullmq";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { Config } from "../config/index.js";
import type { GitHubClientFactory } from "../github/index.js";
import { createPagesRoutes, type PagesDeps } from "../pages/index.js";
import { createWebhookHandler } from "./receive-webhook.js";

/** 25 MB: the most GitHub sends in one delivery. */
export const NODE_BODY_LIMIT = 25 * 1024 * 1024;

export interface AppDeps {
  config: Config;
  redis: Redis;
  queue: Queue;
  github: GitHubClientFactory;
  log: Logger;
  clock?: () => Date;
  /** Bytes accepted per delivery: 25 MB on Node; the Lambda entry point passes its 6 MB. */
  bodyLimitBytes?: number;
  /** The archive pages under /reports; absent, only the webhook and health routes are served. */
  pages?: PagesDeps;
}

/** The service's Hono app; every dependency comes in through `deps`. */
export function createApp(deps: AppDeps): Hono {
  const { redis, log } = deps;
  const app = new Hono();

  app.get("/healthz", async (c) => {
    try {
      await redis.ping();
      return c.json({ ok: true, redis: "ok" });
    } catch {
      return c.json({ ok: false, redis: "unreachable" }, 503);
    }
  });

  app.post(
    "/webhooks/github",
    bodyLimit({
      maxSize: deps.bodyLimitBytes ?? NODE_BODY_LIMIT,
      onError: (c) => {
        log.warn(
          {
            delivery: c.req.header("x-github-delivery"),
            limit: deps.bodyLimitBytes ?? NODE_BODY_LIMIT,
          },
          "delivery too large",
        );
        return c.json(
          { error: "payload too large", limitBytes: deps.bodyLimitBytes ?? NODE_BODY_LIMIT },
          413,
        );
      },
    }),
    createWebhookHandler(deps),
  );

  if (deps.pages) app.route("/", createPagesRoutes(deps.pages));

  app.onError((err, c) => {
    if (err instanceof HTTPException) return err.getResponse();
    log.error({ err }, "unhandled error");
    return c.json({ error: "internal error" }, 500);
  });
  app.notFound((c) => c.json({ error: "not found" }, 404));
  return app;
}
