import type { Redis } from "ioredis";

/** Held while a delivery is processed; short, so a crash mid-way does not block a redelivery for long. */
const PENDING_TTL_SECONDS = 120;

export type ClaimResult = "claimed" | "done" | "in-progress";

/** The dedupe key of a delivery; startRun sets it "done" in the same transaction as the job. */
export const deliveryKey = (prefix: string, deliveryId: string): string =>
  `${prefix}delivery:${deliveryId}`;

/** Claims a delivery id (SET NX): only the first holder processes it; Redis errors propagate. */
export async function claimDelivery(
  redis: Redis,
  prefix: string,
  deliveryId: string,
): Promise<ClaimResult> {
  const key = deliveryKey(prefix, deliveryId);
  const set = await redis.set(key, "pending", "EX", PENDING_TTL_SECONDS, "NX");
  if (set === "OK") return "claimed";
  return (await redis.get(key)) === "done" ? "done" : "in-progress";
}

/** Marks a delivery processed for `ttlSeconds` (GitHub keeps the id on a redelivery). */
export async function completeDelivery(
  redis: Redis,
  prefix: string,
  deliveryId: string,
  ttlSeconds: number,
): Promise<void> {
  await redis.set(deliveryKey(prefix, deliveryId), "done", "EX", ttlSeconds);
}

/** Gives a delivery back after a failure, so its redelivery is processed. */
export async function releaseDelivery(
  redis: Redis,
  prefix: string,
  deliveryId: string,
): Promise<void> {
  await redis.del(deliveryKey(prefix, deliveryId));
}
