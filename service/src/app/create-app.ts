import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import type { Queue } from "bullmq";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { Config } from "../config/index.js";
import {
  GitHubUnavailableError,
  InstallationNotFoundError,
  QueueUnavailableError,
} from "../errors.js";
import type { GitHubClientFactory } from "../github/index.js";
import {
  claimDelivery,
  completeDelivery,
  isHandled,
  releaseDelivery,
  verifySignature,
} from "../webhooks/index.js";
import { dispatchEvent, parseEvent } from "./dispatch-event.js";

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
}

const decoder = new TextDecoder("utf-8", { fatal: false });

/** The service's Hono app; every dependency comes in through `deps`. */
export function createApp(deps: AppDeps): Hono {
  const { config, redis, queue, log } = deps;
  const clock = deps.clock ?? (() => new Date());
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
    async function receiveWebhook(c) {
      const deliveryId = c.req.header("x-github-delivery");
      const event = c.req.header("x-github-event");
      const reqLog = log.child({ deliveryId, event });
      // Raw bytes first: the signature covers exactly what GitHub sent, not a re-serialisation.
      const raw = new Uint8Array(await c.req.arrayBuffer());
      if (!verifySignature(raw, c.req.header("x-hub-signature-256"), config.WEBHOOK_SECRET)) {
        reqLog.warn("signature missing or wrong");
        return c.json({ error: "invalid signature" }, 401);
      }
      if (!deliveryId || !event) {
        return c.json({ error: "missing X-GitHub-Delivery or X-GitHub-Event header" }, 400);
      }
      let payload: unknown;
      try {
        payload = JSON.parse(decoder.decode(raw));
      } catch {
        return c.json({ error: "body is not valid JSON" }, 400);
      }
      const action =
        typeof payload === "object" && payload !== null
          ? (payload as { action?: unknown }).action
          : undefined;
      const actionName = typeof action === "string" ? action : undefined;
      if (!isHandled(event, actionName)) {
        reqLog.info({ action: actionName }, "event not handled");
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
        reqLog.warn({ problems: parsed.problems }, "payload does not have the expected shape");
        return c.json({ error: `unexpected ${event} payload: ${parsed.problems}` }, 400);
      }
      const installationId = (parsed.value as { installation?: { id: number } }).installation?.id;
      if (installationId === undefined) {
        reqLog.warn("delivery without installation: the app is not installed there");
        return c.json({ result: "ignored", reason: "no installation in the payload" }, 202);
      }

      let claim;
      try {
        claim = await claimDelivery(redis, config.KEY_PREFIX, deliveryId);
      } catch (err) {
        reqLog.error({ err }, "redis unavailable: delivery not acknowledged");
        return c.json({ error: "queue unavailable, redeliver later" }, 503);
      }
      if (claim !== "claimed") {
        reqLog.info({ claim }, "duplicate delivery");
        return c.json(
          {
            result: "duplicate",
            reason: claim === "done" ? "already processed" : "being processed",
          },
          200,
        );
      }

      try {
        const outcome = await dispatchEvent(
          {
            config,
            redis,
            queue,
            github: deps.github(installationId),
            installationId,
            deliveryId,
            log: reqLog.child({ installationId }),
            now: clock(),
          },
          event,
          parsed.value,
        );
        await completeDelivery(
          redis,
          config.KEY_PREFIX,
          deliveryId,
          config.DEDUPE_TTL_SECONDS,
        ).catch((err: unknown) => {
          // The job is stored under a delivery-derived id, so a redelivery would only no-op.
          reqLog.warn({ err }, "could not mark the delivery done");
        });
        reqLog.info({ outcome }, "delivery processed");
        return c.json(outcome, 202);
      } catch (err) {
        if (err instanceof InstallationNotFoundError) {
          await completeDelivery(
            redis,
            config.KEY_PREFIX,
            deliveryId,
            config.DEDUPE_TTL_SECONDS,
          ).catch(() => undefined);
          reqLog.warn({ err }, "installation gone: nothing queued");
          return c.json(
            { result: "ignored", reason: "the app is not installed on this repository" },
            202,
          );
        }
        await releaseDelivery(redis, config.KEY_PREFIX, deliveryId).catch(() => undefined);
        if (err instanceof QueueUnavailableError) {
          reqLog.error({ err }, "queue unavailable: delivery not acknowledged");
          return c.json({ error: "queue unavailable, redeliver later" }, 503);
        }
        if (err instanceof GitHubUnavailableError) {
          reqLog.error({ err }, "GitHub unavailable for a decision: delivery not acknowledged");
          return c.json({ error: "GitHub API unavailable, redeliver later" }, 502);
        }
        throw err;
      }
    },
  );

  app.onError((err, c) => {
    if (err instanceof HTTPException) return err.getResponse();
    log.error({ err }, "unhandled error");
    return c.json({ error: "internal error" }, 500);
  });
  app.notFound((c) => c.json({ error: "not found" }, 404));
  return app;
}
