export * from "./benchmark-job.js";
export * from "./run-result.js";
export * from "./mlxbench-config.js";
export * from "./verdict.js";
export * from "./runs-on.js";
