import { createHmac, timingSafeEqual } from "node:crypto";

/** A JSON value signed for a cookie: `base64url(json).base64url(hmac)`. Not encrypted: hold nothing secret. */
export function sealValue(purpose: string, value: unknown, secret: string): string {
  const body = Buffer.from(JSON.stringify(value), "utf8").toString("base64url");
  return `${body}.${sign(purpose, body, secret)}`;
}

/** The value sealed by sealValue with the same purpose and secret, or null (missing, tampered, garbage). */
export function unsealValue(purpose: string, sealed: string | undefined, secret: string): unknown {
  if (sealed === undefined) return null;
  const dot = sealed.indexOf(".");
  if (dot <= 0) return null;
  const body = sealed.slice(0, dot);
  const given = Buffer.from(sealed.slice(dot + 1), "base64url");
  const expected = Buffer.from(sign(purpose, body, secret), "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    return JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as unknown;
  } catch {
    return null;
  }
}

function sign(purpose: string, body: string, secret: string): string {
  return createHmac("sha256", secret).update(`${purpose}\n${body}`).digest("base64url");
}
