import { publicUrlFromEvent } from "./public-url-from-event.js";

export type Handler = (event: unknown, context: unknown) => Promise<unknown>;

export interface DeferredHandlerOptions {
  env: Record<string, string | undefined>;
  /** Fills the environment from secrets before the service reads it. */
  prepare: (env: Record<string, string | undefined>) => Promise<unknown>;
  /** Imports the service's handler; its module reads the environment when it loads. */
  load: () => Promise<Handler>;
}

/**
 * A handler that loads the service on its first request, after the secrets are in the
 * environment and PUBLIC_URL is known (from configuration, else from the request's domain).
 * A failed start is not cached, so the next request tries again.
 */
export function createDeferredHandler(opts: DeferredHandlerOptions): Handler {
  let loading: Promise<Handler> | undefined;
  return async function deferredHandler(event, context) {
    if (!opts.env.PUBLIC_URL) {
      const url = publicUrlFromEvent(event);
      if (url) opts.env.PUBLIC_URL = url;
    }
    loading ??= opts
      .prepare(opts.env)
      .then(() => opts.load())
      .catch((err: unknown) => {
        loading = undefined;
        throw err;
      });
    const handler = await loading;
    return handler(event, context);
  };
}
