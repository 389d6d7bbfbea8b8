export { runCli, type CliIo } from "./run-cli.js";
export { parseCli, CliUsageError, type ParsedCli } from "./parse-cli.js";
export { createProgressReporter, type ProgressStream } from "./progress-reporter.js";
export { USAGE, COMMANDS, type Command } from "./usage.js";
export {
  spawnSimCluster,
  SimClusterStartError,
  type SimClusterProcess,
  type SpawnSimClusterOptions,
} from "./spawn-sim-cluster.js";
