import type { Dispatcher } from "undici";
import { describeError } from "./classify-error.js";
import { normalizeBaseUrl } from "./normalize-base-url.js";

/** The first model of GET /v1/models, or why there is none. */
export async function discoverModel(
  baseUrl: string,
  dispatcher: Dispatcher,
  timeoutMs = 10_000,
): Promise<{ model: string } | { problem: string }> {
  const { origin, prefix } = normalizeBaseUrl(baseUrl);
  try {
    const res = await dispatcher.request({
      origin,
      path: `${prefix}/v1/models`,
      method: "GET",
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const text = await res.body.text();
    if (res.statusCode !== 200) return { problem: `GET /v1/models answered ${res.statusCode}` };
    const parsed = JSON.parse(text) as { data?: { id?: unknown }[] };
    const id = Array.isArray(parsed.data) ? parsed.data[0]?.id : undefined;
    return typeof id === "string" && id.length > 0
      ? { model: id }
      : { problem: "GET /v1/models listed no model" };
  } catch (err) {
    return { problem: `GET /v1/models failed: ${describeError(err)}` };
  }
}
