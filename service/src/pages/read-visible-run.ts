import { RunResult, Verdict } from "@mlxbench/proto";
import { RunMeta, runKeys, type ArchiveStore } from "@mlxbench/archive";
import { readJsonDoc } from "./archive-view.js";
import type { ComparedRun } from "./compare-page.js";
import type { RepoAccess } from "./pages-env.js";

/** A run of the repository with its meta and result, or null when absent or not visible. */
export async function readVisibleRun(
  store: ArchiveStore,
  access: RepoAccess,
  runId: string,
): Promise<ComparedRun | null> {
  const k = runKeys(access.repository, runId);
  const [meta, result, verdict] = await Promise.all([
    readJsonDoc(store, k.meta, RunMeta),
    readJsonDoc(store, k.runResult, RunResult),
    readJsonDoc(store, k.verdict, Verdict),
  ]);
  if (meta.state !== "ok") return null;
  if (meta.value.private && !access.canSeePrivate) return null;
  return {
    runId,
    meta: meta.value,
    result,
    verdict: verdict.state === "ok" ? verdict.value : null,
  };
}
