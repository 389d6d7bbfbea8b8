import { parseArgs } from "node:util";
import type { ReferenceClusterOptions } from "./start-reference-cluster.js";

export const CLI_USAGE = `Usage: npm run sim -- [options]

  --devices N        devices in the cluster (default 3: mini1, mini2, master)
  --host HOST        address to listen on (default 127.0.0.1)
  --port PORT        HTTP API port (default 8100; 0 = random)
  --grpc-port PORT   gRPC base port, rank r on PORT + r (default 50100; 0 = random)
  --model ID         model id reported by the API
  --seed N           seed of noise, errors and generated text (default 42)
  --noise-cv X       coefficient of variation of the timing noise (default 0.05)
  --time-scale X     multiplies every modelled delay (default 0.1 = ten times a Mac mini's speed)
  --slowdown X       fault: every modelled delay X times longer (default 1)
  --error-rate X     fault: this fraction of chat completions answers 500 (default 0)
  --grpc-delay-ms N  fault: every unary gRPC call waits N ms before answering (default 0)
  --device-down R    fault: rank R is down
  --no-streaming     answer stream: true with 501, as the original cluster does
  --load-ms N        report "initializing" (chat 503) for N ms after start
  -h, --help         this text

Faults can be changed while it runs: GET/POST http://HOST:PORT/_sim/faults`;

export class CliUsageError extends Error {
  override name = "CliUsageError";
}

export interface CliArgs {
  help: boolean;
  options: ReferenceClusterOptions;
}

function toNumber(flag: string, value: string | undefined, integer: boolean): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || (integer && !Number.isInteger(n))) {
    throw new CliUsageError(
      `--${flag} must be ${integer ? "an integer" : "a number"}, got ${JSON.stringify(value)}`,
    );
  }
  return n;
}

/** Parses the sim's flags strictly: an unknown flag or a bad value is a CliUsageError naming it. */
export function parseCliArgs(argv: string[]): CliArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        devices: { type: "string" },
        host: { type: "string" },
        port: { type: "string" },
        "grpc-port": { type: "string" },
        model: { type: "string" },
        seed: { type: "string" },
        "noise-cv": { type: "string" },
        "time-scale": { type: "string" },
        slowdown: { type: "string" },
        "error-rate": { type: "string" },
        "grpc-delay-ms": { type: "string" },
        "device-down": { type: "string" },
        "no-streaming": { type: "boolean" },
        "load-ms": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    throw new CliUsageError((error as Error).message, { cause: error });
  }
  const options: ReferenceClusterOptions = {
    devices: toNumber("devices", values.devices, true) ?? 3,
    host: values.host ?? "127.0.0.1",
    httpPort: toNumber("port", values.port, true) ?? 8100,
    grpcPort: toNumber("grpc-port", values["grpc-port"], true) ?? 50100,
    streaming: !values["no-streaming"],
  };
  const optional: [keyof ReferenceClusterOptions, number | undefined][] = [
    ["seed", toNumber("seed", values.seed, true)],
    ["noiseCv", toNumber("noise-cv", values["noise-cv"], false)],
    ["slowdown", toNumber("slowdown", values.slowdown, false)],
    ["errorRate", toNumber("error-rate", values["error-rate"], false)],
    ["grpcDelayMs", toNumber("grpc-delay-ms", values["grpc-delay-ms"], false)],
    ["deviceDown", toNumber("device-down", values["device-down"], true)],
    ["loadMs", toNumber("load-ms", values["load-ms"], false)],
  ];
  for (const [key, value] of optional) {
    if (value !== undefined) Object.assign(options, { [key]: value });
  }
  const timeScale = toNumber("time-scale", values["time-scale"], false);
  if (timeScale !== undefined) options.timing = { timeScale };
  if (values.model !== undefined) options.model = values.model;
  return { help: values.help ?? false, options };
}
