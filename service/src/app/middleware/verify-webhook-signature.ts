import type { MiddlewareHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { verifySignature } from "../../webhooks/index.js";
import type { WebhookEnv } from "../webhook-env.js";

export interface VerifyWebhookSignatureOptions {
  /** Every secret currently accepted (a rotation keeps the old one for a while). */
  secrets: readonly string[];
}

const decoder = new TextDecoder("utf-8", { fatal: false });

/**
 * X-Hub-Signature-256 over the raw bytes (401), the delivery headers (400), the JSON body (400);
 * sets `delivery`. The bytes are read before anything parses them: Hono caches a parsed body,
 * and a re-serialisation is not what GitHub signed.
 */
export function verifyWebhookSignature(
  opts: VerifyWebhookSignatureOptions,
): MiddlewareHandler<WebhookEnv> {
  return async function verifyWebhookSignature(c, next) {
    const raw = new Uint8Array(await c.req.arrayBuffer());
    if (!verifySignature(raw, c.req.header("x-hub-signature-256"), opts.secrets)) {
      throw new HTTPException(401, { message: "invalid signature" });
    }
    const id = c.req.header("x-github-delivery");
    const event = c.req.header("x-github-event");
    if (!id || !event) {
      throw new HTTPException(400, {
        message: "missing X-GitHub-Delivery or X-GitHub-Event header",
      });
    }
    let payload: unknown;
    try {
      payload = JSON.parse(decoder.decode(raw));
    } catch (err) {
      throw new HTTPException(400, { message: "body is not valid JSON", cause: err });
    }
    c.set("delivery", { id, event, payload });
    await next();
  };
}
