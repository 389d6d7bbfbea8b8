import { checkVerdict, RunResult, type Verdict } from "@mlxbench/proto";
import type { ArchiveStore } from "./archive-store.js";
import { baselineKey, runKeys } from "./archive-keys.js";
import { RunMeta } from "./run-meta.js";

export interface LoadedRun {
  meta: RunMeta;
  runResult: RunResult | null;
  /** Parsed with proto's Verdict schema; null when the run has none (it failed before a verdict). */
  verdict: Verdict | null;
  summaryMarkdown: string | null;
}

/** A run found in the archive has a broken document. */
export class ArchivedRunError extends Error {
  override readonly name = "ArchivedRunError";
}

async function getJson(store: ArchiveStore, key: string): Promise<unknown> {
  const obj = await store.get(key);
  if (!obj) return undefined;
  try {
    return JSON.parse(obj.body.toString("utf8"));
  } catch (err) {
    throw new ArchivedRunError(`${key} is not valid JSON`, { cause: err });
  }
}

/** One run's documents; null when the run is not archived. */
export async function loadRun(
  store: ArchiveStore,
  repository: string,
  runId: string,
): Promise<LoadedRun | null> {
  const k = runKeys(repository, runId);
  const rawMeta = await getJson(store, k.meta);
  if (rawMeta === undefined) return null;
  const meta = RunMeta.safeParse(rawMeta);
  if (!meta.success)
    throw new ArchivedRunError(
      `${k.meta}: ${meta.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  const [result, verdict, summary] = await Promise.all([
    getJson(store, k.runResult),
    getJson(store, k.verdict),
    store.get(k.summary),
  ]);
  return {
    meta: meta.data,
    runResult: result === undefined ? null : parseRunResult(result, k.runResult),
    verdict: verdict === undefined || verdict === null ? null : parseVerdict(verdict, k.verdict),
    summaryMarkdown: summary ? summary.body.toString("utf8") : null,
  };
}

/** The RunResult of a run alone (what the verdict needs). */
export async function loadRunResult(
  store: ArchiveStore,
  repository: string,
  runId: string,
): Promise<RunResult | null> {
  const key = runKeys(repository, runId).runResult;
  const raw = await getJson(store, key);
  return raw === undefined ? null : parseRunResult(raw, key);
}

function parseRunResult(raw: unknown, key: string): RunResult {
  const parsed = RunResult.safeParse(raw);
  if (!parsed.success)
    throw new ArchivedRunError(
      `${key}: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  return parsed.data;
}

function parseVerdict(raw: unknown, key: string): Verdict {
  const checked = checkVerdict(raw);
  if (!checked.ok) throw new ArchivedRunError(`${key}: ${checked.problem}`);
  return checked.verdict;
}

/** The run id recorded as the baseline of a default-branch commit, if any. */
export async function readBaselinePointer(
  store: ArchiveStore,
  repository: string,
  commit: string,
): Promise<string | null> {
  const raw = await getJson(store, baselineKey(repository, commit));
  if (raw && typeof raw === "object" && "runId" in raw && typeof raw.runId === "string")
    return raw.runId;
  return null;
}
