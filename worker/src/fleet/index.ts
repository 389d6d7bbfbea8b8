export * from "./claim-cluster.js";
export * from "./cluster-claimed-error.js";
export * from "./job-gate.js";
export * from "./start-heartbeat.js";
export * from "./start-pool-worker.js";
export * from "./release-fair-tag.js";
