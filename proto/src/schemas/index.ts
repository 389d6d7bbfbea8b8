export * from "./benchmark-job.js";
export * from "./run-result.js";
