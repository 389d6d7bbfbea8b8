import type { IncomingMessage, ServerResponse } from "node:http";

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

/** Errors are JSON {"detail": "..."}, as the cluster's FastAPI app answers them. */
export function sendDetail(res: ServerResponse, status: number, detail: string): void {
  sendJson(res, status, { detail });
}

/** The "malformed: html" fault: what a misconfigured proxy in front of the cluster answers. */
export function sendHtml(res: ServerResponse): void {
  const html =
    "<!DOCTYPE html>\n<html><head><title>Welcome to nginx!</title></head>\n" +
    "<body><h1>Welcome to nginx!</h1><p>If you see this page, the web server is working.</p></body></html>\n";
  res.writeHead(200, {
    "content-type": "text/html; charset=utf-8",
    "content-length": Buffer.byteLength(html),
  });
  res.end(html);
}

export class RequestBodyError extends Error {
  override name = "RequestBodyError";
  constructor(
    message: string,
    readonly status: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Reads the whole body as UTF-8, refusing more than `limitBytes`. */
export function readBody(req: IncomingMessage, limitBytes = 1024 * 1024): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        reject(new RequestBodyError(`request body is larger than ${limitBytes} bytes`, 413));
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", (error) =>
      reject(new RequestBodyError("request body could not be read", 400, { cause: error })),
    );
  });
}

/** Parses a JSON body, with what was wrong in the error. */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === "")
    throw new RequestBodyError("request body is empty; expected a JSON object", 400);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new RequestBodyError(`request body is not valid JSON: ${(error as Error).message}`, 400, {
      cause: error,
    });
  }
}
