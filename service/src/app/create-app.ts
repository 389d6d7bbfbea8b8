import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { createPagesRoutes } from "../pages/index.js";
import { createFleetRoutes } from "../fleet/index.js";
import type { AppDeps } from "./app-deps.js";
import { handleError } from "./handle-error.js";
import {
  claimWebhookDelivery,
  readWebhookEvent,
  verifyWebhookSignature,
} from "./middleware/index.js";
import { receiveWebhook } from "./receive-webhook.js";
import type { WebhookEnv } from "./webhook-env.js";

export type { AppDeps } from "./app-deps.js";

/** 25 MB: the most GitHub sends in one delivery. */
export const NODE_BODY_LIMIT = 25 * 1024 * 1024;

/**
 * The service's Hono app; every dependency comes in through `deps`. The webhook route is a chain
 * of middlewares (body limit → signature → event → claim) before its handler; every error,
 * thrown as an HTTPException or a named error, is answered in the one `onError`.
 */
export function createApp(deps: AppDeps): Hono {
  const { config, redis, log } = deps;
  const limit = deps.bodyLimitBytes ?? NODE_BODY_LIMIT;
  const app = new Hono();

  app.get("/healthz", async (c) => {
    try {
      await redis.ping();
      return c.json({ ok: true, redis: "ok" });
    } catch {
      return c.json({ ok: false, redis: "unreachable" }, 503);
    }
  });

  const webhooks = new Hono<WebhookEnv>();
  webhooks.post(
    "/webhooks/github",
    bodyLimit({
      maxSize: limit,
      onError: (c) => {
        log.warn({ delivery: c.req.header("x-github-delivery"), limit }, "delivery too large");
        return c.json({ error: "payload too large", limitBytes: limit }, 413);
      },
    }),
    verifyWebhookSignature({ secrets: config.WEBHOOK_SECRET }),
    readWebhookEvent({ log }),
    claimWebhookDelivery({
      redis,
      keyPrefix: config.KEY_PREFIX,
      dedupeTtlSeconds: config.DEDUPE_TTL_SECONDS,
    }),
    receiveWebhook(deps),
  );
  app.route("/", webhooks);

  if (deps.pages) app.route("/", createPagesRoutes(deps.pages));
  if (deps.pools) {
    const pools = deps.pools;
    const queueFor = (label: string) => pools.queueFor(label);
    app.route("/", createFleetRoutes({ redis, keyPrefix: config.KEY_PREFIX, queueFor }));
  }

  app.onError(handleError(log));
  app.notFound((c) => c.json({ error: "not found" }, 404));
  return app;
}
