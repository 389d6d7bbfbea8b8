import type { MetricResult } from "@mlxbench/proto";
import { compareWithBaseline, loadBaselineRun } from "../load-baseline.js";
import type { CompareResult } from "../results/index.js";
import type { CompareOptions } from "./compare-options.js";

/**
 * `--baseline DIR`: this run's metrics against the run in DIR, median ratio per metric; a run
 * made with other suite options is compared but said to be not strictly comparable.
 */
export async function compareWithPreviousRun(
  baselineDir: string,
  opts: Pick<CompareOptions, "currentMetrics" | "thresholdPct" | "suiteOptionsHash">,
  metrics: readonly MetricResult[],
): Promise<NonNullable<CompareResult["previousRun"]>> {
  const { path, run } = await loadBaselineRun(baselineDir);
  const current = [...(opts.currentMetrics ?? []), ...metrics];
  const deltas = compareWithBaseline(current, run.metrics, opts.thresholdPct ?? (() => 5));
  const comparable =
    opts.suiteOptionsHash === undefined ||
    run.fingerprint.suiteOptionsHash === opts.suiteOptionsHash;
  const note = comparable
    ? `compared with ${path} (median ratio per metric, threshold per metric; no significance test)`
    : `compared with ${path}, but it ran with other suite options (hash ${run.fingerprint.suiteOptionsHash} vs ${opts.suiteOptionsHash ?? "?"}): figures are not strictly comparable`;
  return { dir: baselineDir, path, deltas, comparable, note };
}
