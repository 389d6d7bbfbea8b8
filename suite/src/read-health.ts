import {
  classifyHealth,
  classifyModelsAnswer,
  NO_HEALTH_ENDPOINT,
  type HealthVerdict,
} from "./classify-health.js";
import { ClusterUnreachableError, describeError } from "./errors.js";

export interface ReadHealthOptions {
  timeoutMs: number;
  signal?: AbortSignal;
}

/**
 * Asks a server whether it is ready: GET /health, or GET /v1/models when the server has no
 * /health (404/405/501, as Ollama). A connection failure throws ClusterUnreachableError.
 */
export async function readHealth(apiUrl: string, opts: ReadHealthOptions): Promise<HealthVerdict> {
  const health = await getText(apiUrl, "health", opts);
  if (!NO_HEALTH_ENDPOINT.has(health.status)) return classifyHealth(health.status, health.text);
  const models = await getText(apiUrl, "v1/models", opts);
  const verdict = classifyModelsAnswer(models.status, models.text);
  return { ...verdict, detail: `no /health (HTTP ${health.status}); ${verdict.detail}` };
}

async function getText(
  apiUrl: string,
  path: string,
  opts: ReadHealthOptions,
): Promise<{ status: number; text: string }> {
  const url = new URL(path, apiUrl.endsWith("/") ? apiUrl : `${apiUrl}/`).toString();
  const signals = [AbortSignal.timeout(Math.max(1, Math.round(opts.timeoutMs)))];
  if (opts.signal) signals.push(opts.signal);
  try {
    const res = await fetch(url, {
      signal: AbortSignal.any(signals),
      headers: { accept: "application/json" },
    });
    return { status: res.status, text: await res.text() };
  } catch (err) {
    if (opts.signal?.aborted) throw opts.signal.reason;
    const cause = err instanceof Error && err.cause !== undefined ? err.cause : err;
    throw new ClusterUnreachableError(`GET ${url} failed: ${describeError(cause)}`, apiUrl, {
      cause: err,
    });
  }
}
