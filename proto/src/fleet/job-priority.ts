// BullMQ priorities: lower runs first. People and deployments wait behind no automatic run.

export type JobOrigin = "deployment" | "comment" | "push";

export const PRIORITY_PERSON = 1;
export const PRIORITY_AUTOMATIC = 1000;

/** Automatic runs of one repository step back as its queued count grows (fair share). */
export function jobPriority(origin: JobOrigin, queuedForRepo = 0): number {
  if (origin !== "push") return PRIORITY_PERSON;
  return PRIORITY_AUTOMATIC + Math.min(Math.max(0, Math.floor(queuedForRepo)), 1_000_000);
}
