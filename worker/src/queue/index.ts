export {
  startBenchmarkWorker,
  type BenchmarkWorker,
  type BenchmarkWorkerOptions,
} from "./start-benchmark-worker.js";
export { WorkerShutdownError } from "../pipeline/index.js";
export {
  applyRetryOptions,
  benchmarkJobRetryOptions,
  DEFAULT_RETRY_POLICY,
  retryPolicyOf,
  type RetryPolicy,
  unrecoverable,
} from "./retry-policy.js";
export { loadWorkerConfig, WorkerConfig, WorkerConfigError } from "./load-worker-config.js";
export { createPipelineDeps } from "./create-pipeline-deps.js";
export { workerRedisOptions } from "./redis-connection.js";
export { createArchiveStore } from "./create-pipeline-deps.js";
export * from "../fleet/index.js";
export { startFleetRunner, type FleetRunner } from "./start-fleet-runner.js";
