import type { RequestError } from "./request-record.js";

/**
 * Classifies an error thrown by the HTTP stack. `phase` says whether response headers had
 * arrived: a connection lost before them is a connect failure, after them a truncated stream.
 */
export function classifyTransportError(
  err: unknown,
  phase: "before_headers" | "body",
): RequestError {
  const code = errorCode(err);
  const message = describeError(err);
  if (code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT") {
    return { class: "timeout", message };
  }
  if (code === "UND_ERR_CONNECT_TIMEOUT") return { class: "connect", message };
  const notHttp = err instanceof Error && err.name === "HTTPParserError";
  if (
    notHttp ||
    (code !== undefined &&
      (code.startsWith("HPE_") ||
        code === "UND_ERR_INFO" ||
        code === "UND_ERR_RES_CONTENT_LENGTH_MISMATCH"))
  ) {
    return { class: phase === "body" ? "truncated_stream" : "malformed_response", message };
  }
  // Refused, unresolvable, reset or closed before any answer: the connection failed.
  return { class: phase === "body" ? "truncated_stream" : "connect", message };
}

function errorCode(err: unknown): string | undefined {
  if (typeof err !== "object" || err === null) return undefined;
  const code = (err as { code?: unknown }).code;
  if (typeof code === "string") return code;
  const cause = (err as { cause?: unknown }).cause;
  return cause === undefined || cause === err ? undefined : errorCode(cause);
}

export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const code = errorCode(err);
    const cause =
      err.cause instanceof Error && err.cause.message !== err.message
        ? `: ${err.cause.message}`
        : "";
    return `${code !== undefined ? `${code} ` : ""}${err.message}${cause}`.trim();
  }
  return String(err);
}
