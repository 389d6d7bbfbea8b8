import type { ArchiveStore } from "@mlxbench/archive";
import type { TrendRunPoint } from "./chart-configs.js";
import { levelOf } from "./compare-runs.js";
import type { RepoAccess } from "./pages-env.js";
import { readVisibleRun } from "./read-visible-run.js";

/**
 * One run's level of `key` for a trend chart (`?run=`): named "PR #n" when it is a pull
 * request's. Null when the run is absent, not visible to this viewer, or lacks the metric.
 */
export async function readRunPoint(
  store: ArchiveStore,
  access: RepoAccess,
  runId: string,
  key: string,
): Promise<TrendRunPoint | null> {
  const run = await readVisibleRun(store, access, runId);
  if (!run?.meta || run.result.state !== "ok") return null;
  const value = levelOf(run.result.value.metrics.find((m) => m.key === key));
  if (value === null) return null;
  const pr = run.meta.pullRequest;
  return { label: pr ? `PR #${pr}` : "run", commit: run.meta.commit, value };
}
