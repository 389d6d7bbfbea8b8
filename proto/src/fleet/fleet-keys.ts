// Redis keys of the fleet's presence records, shared by the worker (writes) and service (reads).

/** A runner's heartbeat record (JSON, TTL = 3 beats). */
export function runnerKey(prefix: string, runnerId: string): string {
  return `${prefix}fleet:runner:${runnerId}`;
}

/** Hash label → epoch ms a runner of that pool last beat; outlives the runner's own record. */
export function poolLastSeenKey(prefix: string): string {
  return `${prefix}fleet:pool-last-seen`;
}

/** Which runner holds a cluster (by hardware fingerprint); TTL-refreshed by the holder. */
export function clusterClaimKey(prefix: string, fingerprint: string): string {
  return `${prefix}fleet:claim:${fingerprint}`;
}

export function runnerKeyPattern(prefix: string): string {
  return `${prefix}fleet:runner:*`;
}

/** Hash repo → jobs queued or running in one pool: the per-repository fair tag of priorities. */
export function fairTagKey(prefix: string, label: string): string {
  return `${prefix}fleet:fair:${label}`;
}
