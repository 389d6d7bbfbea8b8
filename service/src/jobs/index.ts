export { makeJobId } from "./make-job-id.js";
export { commitJob, JOB_NAME, SEAL_JOB } from "./commit-job.js";
export type { CommitOptions, CommitResult } from "./commit-job.js";
export {
  attachPoolJobs,
  PENDING_MS,
  pullRequestRunsKey,
  readPullRequestRuns,
  registerPullRequestRun,
  REGISTER_PULL_RUN,
} from "./pull-request-runs.js";
export type {
  PoolJobEntry,
  PullRequestRuns,
  RegisterInput,
  RegisterResult,
  SupersededRun,
} from "./pull-request-runs.js";
export { removeSupersededJob } from "./supersede-job.js";
export type { SupersedeOutcome } from "./supersede-job.js";
