import type { ArchiveStore } from "../archive-store.js";
import { indexKey } from "../archive-keys.js";
import { archiveRun, DEFAULT_UPLOAD_RETRY } from "../archive-run.js";
import { readBaselinePointer } from "../load-run.js";
import type { RetryOptions } from "../with-retry.js";
import type { ImportPlan } from "./import-plan.js";

export interface ImportProgress {
  done: number;
  total: number;
}

export interface ImportOutcome {
  imported: number;
  /** Runs already in the archive (an earlier import). */
  skippedExisting: number;
  /** Commits the archive already holds another default-branch run of (a real run wins). */
  skippedCommitHasRun: number;
  importedRunIds: string[];
}

export interface WriteImportOptions {
  onProgress?: (p: ImportProgress) => void;
  retry?: RetryOptions;
}

/**
 * Writes the planned runs, oldest first, each in the archive's own order (documents, baseline
 * pointer, index entry last). A run whose index entry exists is skipped, and so is a commit whose
 * baseline pointer names another run, so importing twice adds nothing; a run cut off half-way
 * (no index entry yet) is written again whole.
 */
export async function writeImportPlan(
  store: ArchiveStore,
  plan: ImportPlan,
  options: WriteImportOptions = {},
): Promise<ImportOutcome> {
  const outcome: ImportOutcome = {
    imported: 0,
    skippedExisting: 0,
    skippedCommitHasRun: 0,
    importedRunIds: [],
  };
  const total = plan.runs.length;
  let done = 0;
  for (const run of plan.runs) {
    const { meta } = run.input;
    const listed = await store.get(
      indexKey(meta.repository, Date.parse(meta.finishedAt), meta.runId),
    );
    const pointer = listed ? null : await readBaselinePointer(store, meta.repository, meta.commit);
    if (listed) outcome.skippedExisting++;
    else if (pointer !== null && pointer !== meta.runId) outcome.skippedCommitHasRun++;
    else {
      const artifacts = run.loadArtifacts ? await run.loadArtifacts() : run.input.artifacts;
      await archiveRun(store, { ...run.input, artifacts }, options.retry ?? DEFAULT_UPLOAD_RETRY);
      outcome.imported++;
      outcome.importedRunIds.push(meta.runId);
    }
    done++;
    options.onProgress?.({ done, total });
  }
  return outcome;
}
