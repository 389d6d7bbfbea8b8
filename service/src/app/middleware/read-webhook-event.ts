import type { MiddlewareHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { Logger } from "pino";
import { isHandled } from "../../webhooks/index.js";
import { parseEvent } from "../dispatch-event.js";
import type { WebhookEnv } from "../webhook-env.js";

export interface ReadWebhookEventOptions {
  log: Logger;
}

/**
 * Answers 202 for events we do not handle and deliveries without an installation, 400 for a
 * payload its handler cannot read; otherwise sets `webhook` and the delivery's child `log`.
 */
export function readWebhookEvent(opts: ReadWebhookEventOptions): MiddlewareHandler<WebhookEnv> {
  const { log } = opts;
  return async function readWebhookEvent(c, next) {
    const { id: deliveryId, event, payload } = c.var.delivery;
    const action =
      typeof payload === "object" && payload !== null
        ? (payload as { action?: unknown }).action
        : undefined;
    const actionName = typeof action === "string" ? action : undefined;
    if (!isHandled(event, actionName)) {
      log.info({ deliveryId, event, action: actionName }, "event not handled");
      return c.json(
        {
          result: "ignored",
          reason: `event ${event}${actionName ? `.${actionName}` : ""} is not handled`,
        },
        202,
      );
    }
    const parsed = parseEvent(event, payload);
    if (!parsed.ok) {
      throw new HTTPException(400, { message: `unexpected ${event} payload: ${parsed.problems}` });
    }
    const installationId = (parsed.value as { installation?: { id: number } }).installation?.id;
    if (installationId === undefined) {
      log.warn(
        { deliveryId, event },
        "delivery without installation: the app is not installed there",
      );
      return c.json({ result: "ignored", reason: "no installation in the payload" }, 202);
    }
    c.set("webhook", { name: event, value: parsed.value, installationId });
    // One child logger per delivery: pino serialises its bindings once.
    c.set("log", log.child({ deliveryId, event, installationId }));
    return next();
  };
}
