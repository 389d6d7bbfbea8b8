import { readdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { RunResult } from "@mlxbench/proto";
import type { ArchiveStore } from "../archive-store.js";
import { runKeys } from "../archive-keys.js";
import { listRuns } from "../list-runs.js";
import { createLocalArchiveStore } from "../local-archive-store.js";
import { ArchivedRunError, loadRun } from "../load-run.js";
import { RunMeta } from "../run-meta.js";
import type { RunArtifact } from "../archive-run.js";
import { HistoryImportError } from "./history-import-error.js";
import {
  measureSeries,
  type ImportPlan,
  type MetricReport,
  type PlannedRun,
} from "./import-plan.js";

export interface ArchiveImportOptions {
  /** The archive directory to read (another mlxbench archive). */
  sourceDir: string;
  /** Whose runs to read there. */
  sourceRepository: string;
  /** Whose runs they become here. */
  repository: string;
  defaultBranch: string;
}

/** Far above any real history; the source is read whole before anything is written. */
const MAX_RUNS = 1_000_000;

/**
 * Default-branch runs with a result from another archive directory, re-addressed to
 * `repository`: the same run ids (so importing twice adds nothing), documents checked now,
 * artifacts copied when written. PR runs and cancelled runs are left out.
 */
export async function planArchiveImport(options: ArchiveImportOptions): Promise<ImportPlan> {
  const source = createLocalArchiveStore(resolve(options.sourceDir));
  const metas = await listRuns(source, options.sourceRepository, {
    branch: options.defaultBranch,
    withResult: true,
    limit: MAX_RUNS,
    scanLimit: MAX_RUNS,
  });
  const usable = metas.filter((m) => m.pullRequest === undefined && m.conclusion !== "cancelled");
  if (usable.length === 0) {
    const repos = await listRepositories(options.sourceDir);
    throw new HistoryImportError(
      `${options.sourceDir} holds no ${options.defaultBranch} runs of ${options.sourceRepository} with a result (${
        repos.length > 0 ? `repositories there: ${repos.join(", ")}` : "no repositories there"
      }); pick one with --from-repo, or the branch with --default-branch`,
    );
  }
  const runs: PlannedRun[] = [];
  for (const m of usable.reverse()) {
    let loaded;
    try {
      loaded = await loadRun(source, options.sourceRepository, m.runId);
    } catch (err) {
      if (err instanceof ArchivedRunError)
        throw new HistoryImportError(`${options.sourceDir}: run ${m.runId}: ${err.message}`, {
          cause: err,
        });
      throw err;
    }
    if (loaded?.runResult == null)
      throw new HistoryImportError(
        `${options.sourceDir}: run ${m.runId} is listed but its run_result.json is missing`,
      );
    const { files: _files, ...rest } = loaded.meta;
    const meta = RunMeta.omit({ files: true }).parse({
      ...rest,
      repository: options.repository,
      reason: `${rest.reason} (imported from another archive)`,
    });
    const runResult = RunResult.parse({
      ...loaded.runResult,
      source: { ...loaded.runResult.source, repository: options.repository },
    });
    const artifactKeys = loaded.meta.files.filter((f) => f.startsWith("files/"));
    runs.push({
      input: {
        meta,
        runResult,
        verdict: loaded.verdict,
        summaryMarkdown: loaded.summaryMarkdown ?? "",
        artifacts: [],
        isBaseline: true,
      },
      loadArtifacts: () => readArtifacts(source, options.sourceRepository, m.runId, artifactKeys),
    });
  }
  const measured = measureSeries(runs);
  const metrics: MetricReport[] = [];
  for (const [key, s] of measured) {
    const last = runs
      .flatMap((r) => r.input.runResult?.metrics ?? [])
      .findLast((x) => x.key === key);
    metrics.push({
      key,
      origin: key,
      unit: last?.unit ?? "",
      direction: last?.direction ?? "lower_is_better",
      points: s.points,
      skippedPoints: 0,
      noisePct: s.noisePct,
      invalid: null,
    });
  }
  metrics.sort((a, b) => a.key.localeCompare(b.key));
  return {
    kind: "archive",
    source: options.sourceDir,
    repository: options.repository,
    runs,
    metrics,
  };
}

async function readArtifacts(
  store: ArchiveStore,
  repository: string,
  runId: string,
  files: readonly string[],
): Promise<RunArtifact[]> {
  const k = runKeys(repository, runId);
  const out: RunArtifact[] = [];
  for (const f of files) {
    const obj = await store.get(`${k.prefix}${f}`);
    // An artifact that vanished is left out; the run's documents are what the verdict reads.
    if (obj) out.push({ path: f.slice("files/".length), body: obj.body });
  }
  return out;
}

async function listRepositories(dir: string): Promise<string[]> {
  const root = join(resolve(dir), "reports");
  const owners = await readdir(root, { withFileTypes: true }).catch(() => []);
  const repos: string[] = [];
  for (const o of owners.filter((e) => e.isDirectory())) {
    const names = await readdir(join(root, o.name), { withFileTypes: true }).catch(() => []);
    for (const n of names.filter((e) => e.isDirectory())) repos.push(`${o.name}/${n.name}`);
  }
  return repos.sort();
}
