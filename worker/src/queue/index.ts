export {
  startBenchmarkWorker,
  WorkerShutdownError,
  type BenchmarkWorker,
  type BenchmarkWorkerOptions,
} from "./start-benchmark-worker.js";
export { loadWorkerConfig, WorkerConfig, WorkerConfigError } from "./load-worker-config.js";
export { createPipelineDeps } from "./create-pipeline-deps.js";
export { workerRedisOptions } from "./redis-connection.js";
export { createArchiveStore } from "./create-pipeline-deps.js";
