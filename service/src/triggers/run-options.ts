import type { BenchmarkJob, JobOrigin } from "@mlxbench/proto";

export type JobDraft = Omit<BenchmarkJob, "schemaVersion" | "jobId" | "checkRunId" | "queuedAt">;

/** How a run takes its place among the runs of its pull request. */
export interface PullTracking {
  /** pull_request.updated_at (ms) of the state this run is for. */
  updatedAt: number;
  /** See RegisterInput.mode: a pull_request event ("push") or a user's `/benchmark` ("command"). */
  mode: "push" | "command";
  /** Told when a newer head was recorded meanwhile; the run is not started. */
  onStale?: (headSha: string) => Promise<void>;
}

export interface StartOptions {
  /** What started the run, for its priority on a runner pool: a gate or a person before a push. */
  origin: JobOrigin;
  checkName?: string;
  /** Given for runs of a pull request that a newer push supersedes. */
  track?: PullTracking;
}
