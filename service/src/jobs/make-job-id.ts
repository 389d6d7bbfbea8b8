import type { Trigger } from "@mlxbench/proto";

const SHORT: Record<Trigger, string> = {
  pull_request: "pr",
  comment: "cmd",
  rerun: "rerun",
  push: "push",
  deployment_gate: "gate",
  manual: "manual",
};

/**
 * A job id derived from the delivery and the commit: a redelivery (same X-GitHub-Delivery)
 * yields the same id, which BullMQ ignores. No ':' and never all digits, as BullMQ requires.
 */
export function makeJobId(trigger: Trigger, sha: string, deliveryId: string): string {
  const safeDelivery = deliveryId.replace(/[^A-Za-z0-9_.-]/g, "_").slice(0, 100);
  return `${SHORT[trigger]}-${sha.slice(0, 12)}-${safeDelivery}`;
}
