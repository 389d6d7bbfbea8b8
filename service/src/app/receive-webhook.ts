import type { Handler } from "hono";
import { createRunsOnCache } from "../fleet/index.js";
import { InstallationNotFoundError } from "../errors.js";
import type { AppDeps } from "./app-deps.js";
import { dispatchEvent } from "./dispatch-event.js";
import type { WebhookEnv } from "./webhook-env.js";

/**
 * POST /webhooks/github, after the middlewares verified, read and claimed the delivery: runs the
 * event's trigger. A run's job, its dedupe mark and its PR record are stored in one transaction
 * (startRun), so the 202 follows the store; errors propagate to `app.onError` (503/502), and the
 * claim middleware gives the delivery back so a redelivery is processed.
 */
export function receiveWebhook(deps: AppDeps): Handler<WebhookEnv> {
  const { config, redis, queue } = deps;
  const clock = deps.clock ?? (() => new Date());
  const { pools } = deps;
  const fleet =
    pools && config.RUNNER_POOLS
      ? { queueFor: (label: string) => pools.queueFor(label), runsOnCache: createRunsOnCache() }
      : undefined;
  return async function receiveWebhook(c) {
    const { name, value, installationId } = c.var.webhook;
    const log = c.var.log;
    try {
      const outcome = await dispatchEvent(
        {
          config,
          redis,
          queue,
          github: deps.github(installationId),
          installationId,
          deliveryId: c.var.delivery.id,
          log,
          now: clock(),
          ...(fleet === undefined ? {} : { fleet }),
        },
        name,
        value,
      );
      // A queued run was marked done with its job; other outcomes store nothing but the mark.
      c.set("deliveryMarked", outcome.result === "queued");
      log.info({ outcome }, "delivery processed");
      return c.json(outcome, 202);
    } catch (err) {
      if (!(err instanceof InstallationNotFoundError)) throw err;
      log.warn({ err }, "installation gone: nothing queued");
      return c.json(
        { result: "ignored", reason: "the app is not installed on this repository" },
        202,
      );
    }
  };
}
