import type { Hono } from "hono";
import { handle, type LambdaEvent } from "hono/aws-lambda";
import type { Logger } from "pino";

/** Lambda rejects synchronous requests over 6 MB; GitHub sends up to 25 MB. */
export const LAMBDA_BODY_LIMIT = 6 * 1024 * 1024;

interface EventWithBody {
  body?: string | null;
  isBase64Encoded?: boolean;
  headers?: Record<string, string | undefined>;
}

/**
 * The app behind API Gateway v2 / a Function URL. hono/aws-lambda decodes base64 bodies; a
 * delivery over Lambda's limit is answered 413 with the reason and logged, never half-read.
 */
export function createLambdaHandler(app: Hono, log: Logger, limitBytes = LAMBDA_BODY_LIMIT) {
  const inner = handle(app);
  return async function lambdaHandler(event: LambdaEvent, context?: Parameters<typeof inner>[1]) {
    const e = event as EventWithBody;
    const size = bodySize(e);
    if (size > limitBytes) {
      log.error(
        { deliveryId: e.headers?.["x-github-delivery"], size, limitBytes },
        "delivery exceeds the Lambda payload limit",
      );
      return {
        statusCode: 413,
        headers: { "content-type": "application/json" },
        isBase64Encoded: false,
        body: JSON.stringify({
          error: `payload of ${size} bytes exceeds the ${limitBytes}-byte limit of the Lambda deployment; run the Node server for deliveries this large`,
        }),
      };
    }
    return inner(event, context);
  };
}

function bodySize(e: EventWithBody): number {
  if (!e.body) return 0;
  if (!e.isBase64Encoded) return Buffer.byteLength(e.body, "utf8");
  const padding = e.body.endsWith("==") ? 2 : e.body.endsWith("=") ? 1 : 0;
  return Math.floor((e.body.length * 3) / 4) - padding;
}
