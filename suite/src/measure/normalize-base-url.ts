import { InvalidMeasureOptionsError } from "./errors.js";

/** `http://host:port[/prefix]` without a trailing slash or `/v1`, so paths can be appended. */
export function normalizeBaseUrl(
  baseUrl: string,
  field = "baseUrl",
): { origin: string; prefix: string } {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch (err) {
    throw new InvalidMeasureOptionsError(field, `not a valid URL: ${JSON.stringify(baseUrl)}`, {
      cause: err,
    });
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new InvalidMeasureOptionsError(field, `must be http or https, got ${url.protocol}`);
  }
  let prefix = url.pathname.replace(/\/+$/, "");
  if (prefix.endsWith("/v1")) prefix = prefix.slice(0, -3);
  return { origin: url.origin, prefix };
}
