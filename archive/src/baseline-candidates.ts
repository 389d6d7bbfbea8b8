import type { RunResult } from "@mlxbench/proto";
import type { ArchivedRunRef } from "@mlxbench/verdict";
import type { ArchiveStore } from "./archive-store.js";
import { listRuns } from "./list-runs.js";
import { loadRunResult } from "./load-run.js";
import type { RunMeta } from "./run-meta.js";

/** A default-branch run the verdict may compare against, with a loader for its full result. */
export interface BaselineCandidate extends ArchivedRunRef {
  meta: RunMeta;
  loadResult(): Promise<RunResult | null>;
}

/**
 * Default-branch runs with a result, newest first, as `chooseBaseline` candidates; with `commit`,
 * the runs of that commit on any branch instead (`/benchmark --compare`). Cancelled runs are left
 * out: they may have stopped mid-measurement.
 */
export async function listBaselineCandidates(
  store: ArchiveStore,
  repository: string,
  options: { defaultBranch: string; limit?: number; commit?: string },
): Promise<BaselineCandidate[]> {
  const metas = await listRuns(store, repository, {
    ...(options.commit === undefined
      ? { branch: options.defaultBranch }
      : { commit: options.commit }),
    withResult: true,
    limit: options.limit ?? 100,
  });
  return metas
    .filter((m) => m.conclusion !== "cancelled")
    .flatMap((meta) =>
      meta.fingerprint
        ? [
            {
              runId: meta.runId,
              commit: meta.commit,
              branch: meta.branch,
              finishedAt: meta.finishedAt,
              fingerprint: meta.fingerprint,
              meta,
              loadResult: () => loadRunResult(store, repository, meta.runId),
            },
          ]
        : [],
    );
}
