export { runJob, type PipelineDeps, type RunJobOptions, type RunJobOutcome } from "./run-job.js";
export { runSuiteInChild, SuiteProcessError, type SuiteChildResult } from "./run-suite-in-child.js";
export type { SuiteChildSpec } from "./suite-child-protocol.js";
export { mergeRunResults } from "./merge-run-results.js";
export { decideGate } from "./decide-gate.js";
export { branchOf, explicitQuickOf, flagsOf, isDefaultBranchRun } from "./job-context.js";
export { PermanentJobError, TransientJobError } from "./errors.js";
