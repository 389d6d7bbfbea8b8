/** Redis keys where stand-in runners record what they did, for the test and the bench to read. */
export function standInKeys(prefix: string) {
  return {
    events: `${prefix}standin:events`,
    durations: `${prefix}standin:durations`,
    active: (fingerprint: string) => `${prefix}standin:active:${fingerprint}`,
  };
}

export interface StandInEvent {
  ev: "start" | "done" | "cancelled" | "overlap";
  jobId: string;
  runnerId: string;
  fingerprint: string;
  t: number;
}
