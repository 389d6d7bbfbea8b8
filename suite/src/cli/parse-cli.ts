import { parseArgs } from "node:util";
import type { SuiteFlags } from "../index.js";
import { COMMANDS, GROUP_COMMANDS, type Command } from "./usage.js";

/** Bad command-line input; the CLI prints the message and exits with 2. */
export class CliUsageError extends Error {
  override readonly name = "CliUsageError";
}

export interface ParsedCli {
  command: Command | "help";
  flags: SuiteFlags;
  config?: string;
  profile: "pull_request" | "default_branch";
  server?: string;
  iterations?: number;
  hardware?: string;
  logLevel: string;
}

const OPTIONS = {
  target: { type: "string" },
  "api-url": { type: "string" },
  "grpc-target": { type: "string" },
  "single-device-api-url": { type: "string" },
  "single-device-grpc-target": { type: "string" },
  server: { type: "string" },
  config: { type: "string" },
  profile: { type: "string" },
  "readiness-timeout": { type: "string" },
  model: { type: "string" },
  hardware: { type: "string" },
  "output-dir": { type: "string" },
  quick: { type: "boolean" },
  sweep: { type: "boolean" },
  slo: { type: "string" },
  "skip-validation": { type: "boolean" },
  "skip-communication": { type: "boolean" },
  baseline: { type: "string" },
  "iterations-comprehensive": { type: "string" },
  "iterations-validation": { type: "string" },
  "iterations-performance": { type: "string" },
  "iterations-communication": { type: "string" },
  "tensor-iterations": { type: "string" },
  "inference-iterations": { type: "string" },
  "concurrent-requests": { type: "string" },
  "communication-iterations": { type: "string" },
  iterations: { type: "string" },
  "log-level": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];

function positiveInt(flag: string, raw: string | undefined, max = 1_000_000): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > max) {
    throw new CliUsageError(
      `--${flag} must be a whole number from 1 to ${max}, got ${JSON.stringify(raw)}`,
    );
  }
  return Number(raw);
}

const SLO_KEYS = ["ttft_ms", "tpot_ms", "e2e_ms"] as const;

/** `ttft_ms=500,tpot_ms=50`: each key once, each value a positive number of milliseconds. */
function parseSlo(raw: string): NonNullable<SuiteFlags["slo"]> {
  const slo: NonNullable<SuiteFlags["slo"]> = {};
  for (const part of raw.split(",")) {
    const [key, value, ...extra] = part.trim().split("=");
    const k = SLO_KEYS.find((x) => x === key);
    if (!k || value === undefined || extra.length)
      throw new CliUsageError(
        `--slo takes KEY=MS pairs with KEY one of ${SLO_KEYS.join(", ")}, got ${JSON.stringify(part)}`,
      );
    const ms = Number(value);
    if (!(ms > 0) || !Number.isFinite(ms))
      throw new CliUsageError(
        `--slo ${k} must be a positive number of ms, got ${JSON.stringify(value)}`,
      );
    slo[k] = ms;
  }
  return slo;
}

/** Parses argv (without node and script) strictly: an unknown flag or a bad value is a CliUsageError naming it. */
export function parseCli(argv: readonly string[]): ParsedCli {
  let parsed: ReturnType<
    typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true; strict: true }>
  >;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    const msg = (err as Error).message.replace(/\. To specify a positional argument.*$/s, "");
    throw new CliUsageError(msg, { cause: err });
  }
  const v = parsed.values;
  const [first, ...rest] = parsed.positionals;
  if (v.help || first === "help")
    return { command: "help", flags: {}, profile: "pull_request", logLevel: "warn" };
  const known = [...COMMANDS, ...GROUP_COMMANDS].join(", ");
  if (first === undefined) throw new CliUsageError(`a command is required: ${known}`);
  if ((GROUP_COMMANDS as readonly string[]).includes(first))
    throw new CliUsageError(`${first} takes its own arguments: run \`mlxbench ${first} --help\``);
  if (!(COMMANDS as readonly string[]).includes(first)) {
    throw new CliUsageError(`unknown command ${JSON.stringify(first)}; expected one of ${known}`);
  }
  if (rest.length) throw new CliUsageError(`unexpected argument ${JSON.stringify(rest[0])}`);
  const command = first as Command;
  if (v.server !== undefined && command !== "communication")
    throw new CliUsageError(
      "--server is only for the communication command (the suite uses --grpc-target)",
    );
  if (v.iterations !== undefined && command === "suite") {
    throw new CliUsageError(
      "--iterations is for single components; the suite takes --iterations-comprehensive|validation|performance|communication",
    );
  }
  if (command === "communication" && v.server === undefined && v["grpc-target"] === undefined) {
    throw new CliUsageError(
      "communication needs --server HOST:PORT (a gRPC address, not the HTTP API)",
    );
  }
  const profile = v.profile ?? "pull_request";
  if (profile !== "pull_request" && profile !== "default_branch") {
    throw new CliUsageError(
      `--profile must be pull_request or default_branch, got ${JSON.stringify(profile)}`,
    );
  }
  const logLevel = v["log-level"] ?? "warn";
  if (!LOG_LEVELS.includes(logLevel))
    throw new CliUsageError(
      `--log-level must be one of ${LOG_LEVELS.join(", ")}, got ${JSON.stringify(logLevel)}`,
    );
  for (const name of ["grpc-target", "single-device-grpc-target", "server"] as const) {
    const t = v[name];
    if (t !== undefined && !/^[^\s/]+:\d{1,5}$/.test(t)) {
      throw new CliUsageError(
        `--${name} must be HOST:PORT (a gRPC address, e.g. localhost:50100), got ${JSON.stringify(t)}`,
      );
    }
  }
  for (const name of ["api-url", "single-device-api-url"] as const) {
    const u = v[name];
    if (u !== undefined && !/^https?:\/\/[^\s]+$/.test(u))
      throw new CliUsageError(`--${name} must be an http(s) URL, got ${JSON.stringify(u)}`);
  }
  const target = v.target;
  if (target !== undefined && target !== "mlx-cluster" && target !== "openai")
    throw new CliUsageError(
      `--target must be mlx-cluster or openai, got ${JSON.stringify(target)}`,
    );
  const readiness = v["readiness-timeout"];
  if (readiness !== undefined && !(Number(readiness) > 0)) {
    throw new CliUsageError(
      `--readiness-timeout must be a positive number of seconds, got ${JSON.stringify(readiness)}`,
    );
  }

  const iterations = positiveInt("iterations", v.iterations);
  const flags: SuiteFlags = {};
  const set = <K extends keyof SuiteFlags>(k: K, value: SuiteFlags[K] | undefined): void => {
    if (value !== undefined) flags[k] = value;
  };
  set("target", target);
  set("apiUrl", v["api-url"]);
  set("grpcTarget", v["grpc-target"] ?? v.server);
  set("singleDeviceApiUrl", v["single-device-api-url"]);
  set("singleDeviceGrpcTarget", v["single-device-grpc-target"]);
  set("outputDir", v["output-dir"]);
  set("quick", v.quick);
  set("sweep", v.sweep);
  set("slo", v.slo === undefined ? undefined : parseSlo(v.slo));
  set("skipValidation", v["skip-validation"]);
  set("skipCommunication", v["skip-communication"]);
  set("baselineDir", v.baseline);
  set("model", v.model);
  set("readinessTimeoutS", readiness === undefined ? undefined : Number(readiness));
  set(
    "iterationsComprehensive",
    positiveInt("iterations-comprehensive", v["iterations-comprehensive"]),
  );
  set("iterationsValidation", positiveInt("iterations-validation", v["iterations-validation"]));
  set("iterationsPerformance", positiveInt("iterations-performance", v["iterations-performance"]));
  set(
    "iterationsCommunication",
    positiveInt("iterations-communication", v["iterations-communication"]),
  );
  set("tensorIterations", positiveInt("tensor-iterations", v["tensor-iterations"]));
  set("inferenceIterations", positiveInt("inference-iterations", v["inference-iterations"]));
  set("concurrentRequests", positiveInt("concurrent-requests", v["concurrent-requests"], 1024));
  set(
    "communicationIterations",
    positiveInt("communication-iterations", v["communication-iterations"]),
  );
  // A component's own --iterations, as the seed's single scripts take it.
  if (iterations !== undefined) {
    if (command === "validate") set("iterationsValidation", iterations);
    if (command === "comprehensive") set("tensorIterations", flags.tensorIterations ?? iterations);
    if (command === "compare") set("iterationsPerformance", iterations);
    if (command === "communication") set("communicationIterations", iterations);
  }
  return {
    command,
    flags,
    ...(v.config !== undefined ? { config: v.config } : {}),
    profile,
    ...(v.server !== undefined ? { server: v.server } : {}),
    ...(iterations !== undefined ? { iterations } : {}),
    ...(v.hardware !== undefined ? { hardware: v.hardware } : {}),
    logLevel,
  };
}
