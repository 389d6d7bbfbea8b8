import type { Fingerprint } from "@mlxbench/proto";

/**
 * What the archive knows about a stored run without loading it: enough to choose a baseline.
 * The archive may extend it (e.g. with a loader for the full RunResult); chooseBaseline returns
 * the caller's own object.
 */
export interface ArchivedRunRef {
  runId: string;
  commit: string;
  branch: string;
  /** ISO 8601. */
  finishedAt: string;
  fingerprint: Fingerprint;
}
