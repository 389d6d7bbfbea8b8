import type { MiddlewareHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { Redis } from "ioredis";
import { claimDelivery, completeDelivery, releaseDelivery } from "../../webhooks/index.js";
import type { WebhookEnv } from "../webhook-env.js";

export interface ClaimWebhookDeliveryOptions {
  redis: Redis;
  keyPrefix: string;
  /** How long a processed delivery id is remembered (GitHub keeps it on a redelivery). */
  dedupeTtlSeconds: number;
}

/**
 * Claims X-GitHub-Delivery before the handler runs: a processed id is answered 200 "duplicate",
 * one still being processed 409, an unreachable Redis 503. After the handler, the claim is
 * marked done (unless the handler stored the mark with its job) or, on an error, given back
 * so the redelivery is processed.
 */
export function claimWebhookDelivery(
  opts: ClaimWebhookDeliveryOptions,
): MiddlewareHandler<WebhookEnv> {
  const { redis, keyPrefix, dedupeTtlSeconds } = opts;
  return async function claimWebhookDelivery(c, next) {
    const deliveryId = c.var.delivery.id;
    const log = c.var.log;
    let claim;
    try {
      claim = await claimDelivery(redis, keyPrefix, deliveryId);
    } catch (err) {
      throw new HTTPException(503, { message: "queue unavailable, redeliver later", cause: err });
    }
    if (claim === "done") {
      log.info("duplicate delivery");
      return c.json({ result: "duplicate", reason: "already processed" }, 200);
    }
    if (claim === "in-progress") {
      // Not a success yet: the first attempt may still fail, and GitHub must not record this one as done.
      throw new HTTPException(409, {
        message: "this delivery is being processed; redeliver later if it fails",
      });
    }
    c.set("deliveryMarked", false);
    await next();
    if (c.error) {
      await releaseDelivery(redis, keyPrefix, deliveryId).catch((err: unknown) =>
        log.warn(
          { err },
          "delivery claim not released; redeliveries are answered 409 until it expires (120 s)",
        ),
      );
    } else if (!c.var.deliveryMarked) {
      await completeDelivery(redis, keyPrefix, deliveryId, dedupeTtlSeconds).catch((err: unknown) =>
        log.warn({ err }, "delivery not marked done; a redelivery will be handled again"),
      );
    }
    return undefined;
  };
}
