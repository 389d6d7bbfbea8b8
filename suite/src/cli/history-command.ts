import { readFile, stat } from "node:fs/promises";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import {
  formatImportSummary,
  HistoryImportError,
  parseBenchmarkData,
  planArchiveImport,
  planBenchmarkImport,
  writeImportPlan,
  type DirectionOverride,
  type ImportPlan,
  type MetricMapping,
} from "@mlxbench/archive";
import { openArchive } from "./open-history-archive.js";
import { CliUsageError } from "./parse-cli.js";
import { readFingerprint } from "./read-fingerprint.js";
import { HISTORY_USAGE } from "./usage.js";

export interface HistoryCliIo {
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown };
  cwd: string;
  /** ARCHIVE_DIR, or ARCHIVE_BUCKET with the worker's S3 variables (default process.env). */
  env?: NodeJS.ProcessEnv;
}

export interface HistoryImportArgs {
  file?: string;
  fromArchive?: string;
  fromRepo?: string;
  repo: string;
  archiveDir?: string;
  defaultBranch: string;
  fingerprintFrom?: string;
  metrics: MetricMapping[];
  directions: DirectionOverride[];
  private: boolean;
  dryRun: boolean;
}

const OPTIONS = {
  "from-archive": { type: "string" },
  "from-repo": { type: "string" },
  repo: { type: "string" },
  "archive-dir": { type: "string" },
  "default-branch": { type: "string" },
  "fingerprint-from": { type: "string" },
  metric: { type: "string", multiple: true },
  direction: { type: "string", multiple: true },
  private: { type: "boolean" },
  "dry-run": { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

const REPO = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
const METRIC_KEY = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)+$/;
/** Runs between progress lines: about 20 lines for a long history, none for a short one. */
const PROGRESS_MIN_RUNS = 50;

/** `history import …` arguments (after `history`), strictly: a bad one is a CliUsageError naming it. */
export function parseHistoryCli(argv: readonly string[]): HistoryImportArgs | "help" {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    const msg = (err as Error).message.replace(/\. To specify a positional argument.*$/s, "");
    throw new CliUsageError(`history: ${msg}`, { cause: err });
  }
  const v = parsed.values;
  const [sub, ...rest] = parsed.positionals;
  if (v.help || sub === "help") return "help";
  if (sub !== "import")
    throw new CliUsageError(
      sub === undefined
        ? "history needs a subcommand: history import"
        : `unknown history subcommand ${JSON.stringify(sub)}; expected import`,
    );
  if (rest.length > 1) throw new CliUsageError(`unexpected argument ${JSON.stringify(rest[1])}`);
  const file = rest[0];
  const fromArchive = v["from-archive"];
  if ((file === undefined) === (fromArchive === undefined))
    throw new CliUsageError(
      file === undefined
        ? "history import needs a data.js FILE or --from-archive DIR"
        : "history import takes a data.js FILE or --from-archive DIR, not both",
    );
  if (v.repo === undefined)
    throw new CliUsageError(
      "history import needs --repo OWNER/NAME (the repository the runs belong to)",
    );
  for (const [flag, value] of [
    ["repo", v.repo],
    ["from-repo", v["from-repo"]],
  ] as const) {
    if (value !== undefined && !REPO.test(value))
      throw new CliUsageError(`--${flag} must be OWNER/NAME, got ${JSON.stringify(value)}`);
  }
  if (v["from-repo"] !== undefined && fromArchive === undefined)
    throw new CliUsageError("--from-repo is only for --from-archive");
  if (fromArchive !== undefined) {
    for (const flag of ["fingerprint-from", "metric", "direction"] as const) {
      if (v[flag] !== undefined)
        throw new CliUsageError(
          `--${flag} is only for a data.js: runs of an mlxbench archive keep their own fingerprint and metrics`,
        );
    }
  }
  const defaultBranch = v["default-branch"] ?? "main";
  if (!/^[^\s]+$/.test(defaultBranch))
    throw new CliUsageError(
      `--default-branch must be a branch name, got ${JSON.stringify(defaultBranch)}`,
    );
  const metrics = (v.metric ?? []).map((spec) => {
    const at = spec.lastIndexOf("=");
    const from = spec.slice(0, at);
    const key = spec.slice(at + 1);
    if (at <= 0 || !METRIC_KEY.test(key))
      throw new CliUsageError(
        `--metric must be NAME=KEY with KEY a metric key such as inference.e2e_ms, got ${JSON.stringify(spec)}`,
      );
    return { from, key };
  });
  const directions = (v.direction ?? []).map((spec): DirectionOverride => {
    const at = spec.lastIndexOf("=");
    const value = spec.slice(at + 1);
    const direction =
      value === "higher" || value === "higher_is_better"
        ? "higher_is_better"
        : value === "lower" || value === "lower_is_better"
          ? "lower_is_better"
          : null;
    if (at <= 0 || direction === null)
      throw new CliUsageError(
        `--direction must be NAME=higher or NAME=lower, got ${JSON.stringify(spec)}`,
      );
    return { name: spec.slice(0, at), direction };
  });
  return {
    ...(file !== undefined ? { file } : {}),
    ...(fromArchive !== undefined ? { fromArchive } : {}),
    ...(v["from-repo"] !== undefined ? { fromRepo: v["from-repo"] } : {}),
    repo: v.repo,
    ...(v["archive-dir"] !== undefined ? { archiveDir: v["archive-dir"] } : {}),
    defaultBranch,
    ...(v["fingerprint-from"] !== undefined ? { fingerprintFrom: v["fingerprint-from"] } : {}),
    metrics,
    directions,
    private: v.private ?? false,
    dryRun: v["dry-run"] ?? false,
  };
}

/**
 * `mlxbench history import`: reads a data.js or another archive, checks all of it, then writes
 * the runs. Exit code 0, 1 when a metric was invalid (the rest imported), 2 on bad usage or input.
 */
export async function runHistoryCommand(
  argv: readonly string[],
  io: HistoryCliIo,
): Promise<0 | 1 | 2> {
  const fail = (message: string): 2 => {
    io.stderr.write(`mlxbench: ${message}\n`);
    return 2;
  };
  let args;
  try {
    args = parseHistoryCli(argv);
  } catch (err) {
    if (err instanceof CliUsageError)
      return fail(`${err.message}\nRun \`mlxbench history --help\` for usage.`);
    throw err;
  }
  if (args === "help") {
    io.stdout.write(HISTORY_USAGE);
    return 0;
  }
  const env = io.env ?? process.env;
  const archive = openArchive(args.archiveDir, env, io.cwd);
  try {
    const { store, location } = archive;
    const plan = await planImport(args, io.cwd, env);
    if (plan.runs.length === 0)
      throw new HistoryImportError(`${plan.source}: no run has a usable value`);
    const total = plan.runs.length;
    const every = Math.ceil(total / 20);
    const outcome = args.dryRun
      ? null
      : await writeImportPlan(store, plan, {
          onProgress: ({ done }) => {
            if (total >= PROGRESS_MIN_RUNS && (done % every === 0 || done === total))
              io.stderr.write(`history import: ${done}/${total} runs\n`);
          },
        });
    io.stdout.write(formatImportSummary(plan, outcome, location));
    return plan.metrics.some((m) => m.invalid !== null) ? 1 : 0;
  } catch (err) {
    if (err instanceof HistoryImportError || err instanceof CliUsageError) return fail(err.message);
    return fail(`the import stopped: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    archive.close();
  }
}

async function planImport(
  args: HistoryImportArgs,
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<ImportPlan> {
  if (args.fromArchive !== undefined) {
    const sourceDir = resolve(cwd, args.fromArchive);
    const sourceRepository = args.fromRepo ?? args.repo;
    const target =
      args.archiveDir ?? (env.ARCHIVE_BUCKET ? undefined : (env.ARCHIVE_DIR ?? "./archive"));
    if (
      target !== undefined &&
      resolve(cwd, target) === sourceDir &&
      sourceRepository === args.repo
    )
      throw new HistoryImportError(
        `--from-archive ${args.fromArchive} is the archive being written`,
      );
    const st = await stat(sourceDir).catch(() => null);
    if (!st?.isDirectory())
      throw new HistoryImportError(`--from-archive ${args.fromArchive}: not a directory`);
    return planArchiveImport({
      sourceDir,
      sourceRepository,
      repository: args.repo,
      defaultBranch: args.defaultBranch,
    });
  }
  const file = args.file ?? "";
  const text = await readFile(resolve(cwd, file), "utf8").catch((err: unknown) => {
    throw new HistoryImportError(`cannot read ${file}: ${(err as Error).message}`);
  });
  return planBenchmarkImport(parseBenchmarkData(text, file), {
    repository: args.repo,
    defaultBranch: args.defaultBranch,
    fingerprint:
      args.fingerprintFrom === undefined
        ? null
        : await readFingerprint(resolve(cwd, args.fingerprintFrom), args.fingerprintFrom),
    metrics: args.metrics,
    directions: args.directions,
    private: args.private,
    source: file,
  });
}
