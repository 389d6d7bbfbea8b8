export { makeJobId } from "./make-job-id.js";
export { enqueueJob, JOB_NAME } from "./enqueue-job.js";
export { readPullRequestRecord, writePullRequestRecord } from "./pull-request-record.js";
export type { PullRequestRecord } from "./pull-request-record.js";
export { supersedeJob } from "./supersede-job.js";
export type { SupersedeOutcome } from "./supersede-job.js";
