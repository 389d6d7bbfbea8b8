export * from "./describe-pool.js";
export * from "./enqueue-pool-jobs.js";
export * from "./read-fleet.js";
export * from "./read-runs-on.js";
export * from "./supersede-pools.js";
export * from "./fleet-routes.js";
export * from "./create-pool-queues.js";
