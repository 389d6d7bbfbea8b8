export { runSuite } from "./run-suite.js";
export type { SuiteRunInput, SuiteRunOutput } from "./suite-run.js";
