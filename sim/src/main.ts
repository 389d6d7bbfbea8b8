import pino from "pino";
import { CLI_USAGE, CliUsageError, parseCliArgs } from "./parse-cli-args.js";
import { FaultValueError } from "./faults.js";
import { ReferenceClusterOptionsError, startReferenceCluster } from "./start-reference-cluster.js";

async function main(): Promise<void> {
  let args;
  try {
    args = parseCliArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof CliUsageError)) throw error;
    console.error(`sim: ${error.message}\n\n${CLI_USAGE}`);
    process.exit(2);
  }
  if (args.help) {
    console.log(CLI_USAGE);
    return;
  }
  const logger = pino({ level: process.env.LOG_LEVEL ?? "warn" });
  let cluster;
  try {
    cluster = await startReferenceCluster({ ...args.options, logger });
  } catch (error) {
    if (error instanceof ReferenceClusterOptionsError || error instanceof FaultValueError) {
      console.error(`sim: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  console.log(`reference cluster: ${cluster.devices.length} device(s), seed ${cluster.seed}`);
  console.log(`  HTTP API      ${cluster.apiUrl}`);
  for (const d of cluster.devices) {
    console.log(`  gRPC rank ${d.rank}   ${d.grpcAddress}  ${d.deviceId} (${d.role})`);
  }
  console.log(
    `  faults        ${cluster.apiUrl}/_sim/faults  ${JSON.stringify(cluster.faults.get())}`,
  );
  const stop = (signal: string): void => {
    console.log(`\n${signal}: stopping`);
    cluster.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once("SIGINT", () => stop("SIGINT"));
  process.once("SIGTERM", () => stop("SIGTERM"));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
