import { createHmac, timingSafeEqual } from "node:crypto";

const PREFIX = "sha256=";

/**
 * Whether `signature` (X-Hub-Signature-256) is the HMAC-SHA256 of the raw body under any of
 * `secrets`. Every secret is tried, so the time taken does not reveal which one matched.
 */
export function verifySignature(
  body: Uint8Array,
  signature: string | undefined,
  secrets: readonly string[],
): boolean {
  if (signature === undefined || !signature.startsWith(PREFIX)) return false;
  const given = Buffer.from(signature.slice(PREFIX.length), "hex");
  if (given.length !== 32) return false;
  let ok = false;
  for (const secret of secrets) {
    const expected = createHmac("sha256", secret).update(body).digest();
    // Non-short-circuiting OR keeps the loop's duration independent of the match.
    ok = timingSafeEqual(expected, given) || ok;
  }
  return ok;
}

/** The X-Hub-Signature-256 value GitHub would send for `body` under `secret`. */
export function signPayload(body: string | Uint8Array, secret: string): string {
  return PREFIX + createHmac("sha256", secret).update(body).digest("hex");
}
