import type { Context, ErrorHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { Logger } from "pino";
import { GitHubUnavailableError, QueueUnavailableError } from "../errors.js";

/** What a failure means to GitHub: 5xx answers leave the delivery redeliverable. */
export function toHttpException(err: Error): HTTPException | undefined {
  if (err instanceof HTTPException) return err;
  if (err instanceof QueueUnavailableError)
    return new HTTPException(503, { message: "queue unavailable, redeliver later", cause: err });
  if (err instanceof GitHubUnavailableError)
    return new HTTPException(502, {
      message: "GitHub API unavailable, redeliver later",
      cause: err,
    });
  return undefined;
}

/** The app's one `onError`: every error becomes `{ error }` JSON with its status, logged once. */
export function handleError(rootLog: Logger): ErrorHandler {
  return function handleError(err: Error, c: Context) {
    const log = (c.get("log") as Logger | undefined) ?? rootLog;
    const where = {
      deliveryId: c.req.header("x-github-delivery"),
      event: c.req.header("x-github-event"),
    };
    const http = toHttpException(err);
    if (!http) {
      log.error({ err, ...where }, "unhandled error");
      return c.json({ error: "internal error" }, 500);
    }
    const cause = http.cause ?? undefined;
    if (http.status >= 500) {
      log.error({ ...where, err: cause ?? http }, `${http.message}: delivery not acknowledged`);
    } else {
      log.warn({ ...where, ...(cause ? { err: cause } : {}) }, http.message);
    }
    // An exception built with its own response (e.g. by a Hono middleware) keeps it.
    if (http.res) return http.getResponse();
    return c.json({ error: http.message }, http.status);
  };
}
