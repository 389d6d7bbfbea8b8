import type { Context } from "hono";
import {
  GitHubUnavailableError,
  InstallationNotFoundError,
  QueueUnavailableError,
} from "../errors.js";
import {
  claimDelivery,
  completeDelivery,
  isHandled,
  releaseDelivery,
  verifySignature,
} from "../webhooks/index.js";
import type { AppDeps } from "./create-app.js";
import { dispatchEvent, parseEvent } from "./dispatch-event.js";

const decoder = new TextDecoder("utf-8", { fatal: false });

/**
 * POST /webhooks/github: signature over the raw bytes, then parse, dedupe claim, dispatch.
 * A run's job, its dedupe mark and its PR record are stored in one transaction (startRun), so the
 * 202 follows the store; anything Redis did not store is answered 503 and stays redeliverable.
 */
export function createWebhookHandler(deps: AppDeps) {
  const { config, redis, queue, log } = deps;
  const clock = deps.clock ?? (() => new Date());
  return async function receiveWebhook(c: Context) {
    const deliveryId = c.req.header("x-github-delivery");
    const event = c.req.header("x-github-event");
    // Raw bytes first: the signature covers exactly what GitHub sent, not a re-serialisation.
    const raw = new Uint8Array(await c.req.arrayBuffer());
    if (!verifySignature(raw, c.req.header("x-hub-signature-256"), config.WEBHOOK_SECRET)) {
      log.warn({ deliveryId, event }, "signature missing or wrong");
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
      log.warn({ deliveryId, event, problems: parsed.problems }, "payload has an unexpected shape");
      return c.json({ error: `unexpected ${event} payload: ${parsed.problems}` }, 400);
    }
    const installationId = (parsed.value as { installation?: { id: number } }).installation?.id;
    if (installationId === undefined) {
      log.warn(
        { deliveryId, event },
        "delivery without installation: the app is not installed there",
      );
      return c.json({ result: "ignored", reason: "no installation in the payload" }, 202);
    }
    // One child logger per delivery: pino serialises its bindings once.
    const reqLog = log.child({ deliveryId, event, installationId });

    let claim;
    try {
      claim = await claimDelivery(redis, config.KEY_PREFIX, deliveryId);
    } catch (err) {
      reqLog.error({ err }, "redis unavailable: delivery not acknowledged");
      return c.json({ error: "queue unavailable, redeliver later" }, 503);
    }
    if (claim === "done") {
      reqLog.info("duplicate delivery");
      return c.json({ result: "duplicate", reason: "already processed" }, 200);
    }
    if (claim === "in-progress") {
      // Not a success yet: the first attempt may still fail, and GitHub must not record this one as done.
      reqLog.info("delivery already being processed");
      return c.json(
        { error: "this delivery is being processed; redeliver later if it fails" },
        409,
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
          log: reqLog,
          now: clock(),
        },
        event,
        parsed.value,
      );
      // A queued run was marked done with its job; other outcomes store nothing but the mark.
      if (outcome.result !== "queued") {
        await completeDelivery(
          redis,
          config.KEY_PREFIX,
          deliveryId,
          config.DEDUPE_TTL_SECONDS,
        ).catch((err: unknown) => reqLog.warn({ err }, "could not mark the delivery done"));
      }
      reqLog.info({ outcome }, "delivery processed");
      return c.json(outcome, 202);
    } catch (err) {
      if (err instanceof InstallationNotFoundError) {
        await completeDelivery(
          redis,
          config.KEY_PREFIX,
          deliveryId,
          config.DEDUPE_TTL_SECONDS,
        ).catch((markErr: unknown) =>
          reqLog.warn(
            { err: markErr },
            "delivery not marked done; a redelivery will be handled again",
          ),
        );
        reqLog.warn({ err }, "installation gone: nothing queued");
        return c.json(
          { result: "ignored", reason: "the app is not installed on this repository" },
          202,
        );
      }
      await releaseDelivery(redis, config.KEY_PREFIX, deliveryId).catch((releaseErr: unknown) =>
        reqLog.warn(
          { err: releaseErr },
          "delivery claim not released; redeliveries are answered 409 until it expires (120 s)",
        ),
      );
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
  };
}
