import { existsSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve } from "node:path";
import { pino } from "pino";
import type { MlxbenchConfig } from "@mlxbench/proto";
import { MlxbenchConfigError } from "@mlxbench/proto";
import { defaultConfig, loadConfigFile } from "../config/index.js";
import {
  createCommandLifecycle,
  resolveSuiteOptions,
  runSuite,
  SuiteOptionsError,
  systemClock,
  type Clock,
  type ComponentName,
  type SuiteRunOutput,
} from "../index.js";
import { runHistoryCommand } from "./history-command.js";
import { CliUsageError, parseCli } from "./parse-cli.js";
import { createProgressReporter, type ProgressStream } from "./progress-reporter.js";
import { readGitSource } from "./read-git-source.js";
import { USAGE, type Command } from "./usage.js";

export interface CliIo {
  stdout: { write(chunk: string): unknown };
  stderr: ProgressStream;
  cwd: string;
  signal?: AbortSignal;
  clock?: Clock;
  /** Fingerprint versions (the worker passes the commit of mlxbench itself). */
  versions?: Record<string, string>;
  /** Read by `history import` for the archive (ARCHIVE_DIR, ARCHIVE_BUCKET …); default process.env. */
  env?: NodeJS.ProcessEnv;
}

const COMPONENTS_OF: Record<Command, readonly ComponentName[] | undefined> = {
  suite: undefined,
  validate: ["validation"],
  comprehensive: ["comprehensive"],
  compare: ["performance"],
  communication: ["communication"],
};

/** The mlxbench command line as a function: argv in, exit code out (0 success, 1 partial, 2 critical or bad usage). */
export async function runCli(argv: readonly string[], io: CliIo): Promise<0 | 1 | 2> {
  const fail = (message: string): 2 => {
    io.stderr.write(`mlxbench: ${message}\n`);
    return 2;
  };
  if (argv[0] === "history") return runHistoryCommand(argv.slice(1), io);
  let cli;
  try {
    cli = parseCli(argv);
  } catch (err) {
    if (err instanceof CliUsageError)
      return fail(`${err.message}\nRun \`mlxbench --help\` for usage.`);
    throw err;
  }
  if (cli.command === "help") {
    io.stdout.write(USAGE);
    return 0;
  }

  let config: MlxbenchConfig;
  let configDir = io.cwd;
  try {
    const path =
      cli.config !== undefined ? resolve(io.cwd, cli.config) : resolve(io.cwd, ".mlxbench.yml");
    if (cli.config !== undefined || existsSync(path)) {
      config = await loadConfigFile(path);
      configDir = dirname(path);
    } else config = defaultConfig();
  } catch (err) {
    if (err instanceof MlxbenchConfigError) return fail(err.message);
    throw err;
  }

  let options;
  try {
    options = resolveSuiteOptions(cli.flags, config, cli.profile);
  } catch (err) {
    if (err instanceof SuiteOptionsError) return fail(err.message);
    throw err;
  }
  // An absolute --output-dir is printed as given; a relative one stays relative to the cwd.
  const printAbsolute = isAbsolute(options.outputDir);
  options.outputDir = resolve(io.cwd, options.outputDir);

  const logger = pino(
    { level: cli.logLevel, base: { app: "mlxbench" } },
    pino.destination({ fd: 2, sync: true }),
  );
  const progress = createProgressReporter(io.stderr);
  const lifecycle =
    config.cluster.distributed.start !== undefined ||
    config.cluster["single-device"].start !== undefined
      ? createCommandLifecycle(config, { cwd: configDir, logger })
      : undefined;
  const components = COMPONENTS_OF[cli.command];
  let out: SuiteRunOutput;
  try {
    out = await runSuite(
      {
        options,
        ...(components ? { components } : {}),
        ...(lifecycle ? { lifecycle } : {}),
        ...(cli.hardware ? { hardware: cli.hardware } : {}),
        source: await readGitSource(io.cwd),
        ...(cli.command === "communication" && cli.flags.apiUrl
          ? { perDeviceApiUrl: cli.flags.apiUrl }
          : {}),
        executiveSummary: cli.command === "suite",
        versions: { mlxbench: "0.1.0", ...io.versions },
      },
      {
        clock: io.clock ?? systemClock,
        logger,
        progress,
        ...(io.signal ? { signal: io.signal } : {}),
      },
    );
  } catch (err) {
    progress.finish();
    return fail(`the run stopped: ${err instanceof Error ? err.message : String(err)}`);
  }
  io.stdout.write(describeOutcome(out, cli.command, printAbsolute ? null : io.cwd));
  return out.runResult.exitCode;
}

/** `cwd` null: print paths absolute (the user gave an absolute --output-dir). */
function describeOutcome(out: SuiteRunOutput, command: Command, cwd: string | null): string {
  const r = out.runResult;
  const rel = (p: string): string => {
    if (cwd === null) return resolve(p);
    const fromCwd = relative(cwd, p);
    // A path that climbs out of the cwd reads better absolute than as ../../x.
    return fromCwd === "" || fromCwd.startsWith("..") ? resolve(cwd, p) : fromCwd;
  };
  const lines: string[] = [];
  if (command === "suite") {
    lines.push(`Deployment readiness: ${r.readiness.verdict} (exit code ${r.exitCode})`);
  } else {
    const c = r.components[0];
    lines.push(
      `${command}: ${c ? `${c.status}${c.message ? ` — ${c.message}` : ""}` : "nothing ran"} (exit code ${r.exitCode})`,
    );
  }
  if (r.validation)
    lines.push(
      `Validation: ${r.validation.status}${r.validation.criticalFailures.length ? ` (critical: ${r.validation.criticalFailures.join(", ")})` : ""}`,
    );
  for (const b of r.readiness.blocking) lines.push(`  blocking: ${b}`);
  for (const w of r.readiness.warnings.slice(0, 8)) lines.push(`  warning: ${w}`);
  if (r.readiness.warnings.length > 8)
    lines.push(`  … ${r.readiness.warnings.length - 8} more warnings in the report`);
  for (const g of r.readiness.greenLights) lines.push(`  ok: ${g}`);
  if (command === "suite") lines.push(`Executive summary: ${rel(out.paths.executiveSummary)}`);
  for (const c of r.components)
    for (const f of c.files.filter((x) => x.endsWith(".md"))) lines.push(`Report: ${rel(f)}`);
  lines.push(`Run result: ${rel(out.paths.runResult)}`);
  return `${lines.join("\n")}\n`;
}
