export * from "./pool-queue-name.js";
export * from "./fleet-keys.js";
export * from "./runner-heartbeat.js";
export * from "./job-priority.js";
