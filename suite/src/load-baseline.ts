import { computeMedian } from "@mlxbench/verdict/stats";
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { RunResult } from "@mlxbench/proto";
import type { MetricResult } from "@mlxbench/proto";
import { finiteOrNull } from "./metric.js";

/** The baseline directory is missing, empty or holds no valid run result. */
export class BaselineError extends Error {
  override readonly name = "BaselineError";
}

/** The newest run_result_<ts>.json of an earlier output directory, validated. */
export async function loadBaselineRun(dir: string): Promise<{ path: string; run: RunResult }> {
  let names: string[];
  try {
    if (!(await stat(dir)).isDirectory())
      throw new BaselineError(`baseline ${dir} is not a directory`);
    names = await readdir(dir);
  } catch (err) {
    if (err instanceof BaselineError) throw err;
    throw new BaselineError(`cannot read baseline directory ${dir}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const runs = names.filter((n) => /^run_result_\d{8}_\d{6}\.json$/.test(n)).sort();
  const newest = runs[runs.length - 1];
  if (!newest)
    throw new BaselineError(
      `baseline directory ${dir} holds no run_result_<ts>.json (was it written by mlxbench?)`,
    );
  const path = join(dir, newest);
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, "utf8"));
  } catch (err) {
    throw new BaselineError(`baseline ${path} is not JSON: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const parsed = RunResult.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new BaselineError(
      `baseline ${path} does not match the run result schema (${first ? `${first.path.join(".")}: ${first.message}` : "invalid"})`,
    );
  }
  return { path, run: parsed.data };
}

export interface BaselineDelta {
  key: string;
  label: string;
  unit: string;
  direction: MetricResult["direction"];
  baselineMedian: number;
  currentMedian: number;
  /** current / baseline. */
  ratio: number;
  /** Change in the bad direction, percent (positive = worse). */
  worsePct: number;
  thresholdPct: number;
  regressed: boolean;
  gated: boolean;
}

/**
 * Median ratio per metric present in both runs. A first look, not the verdict: no significance
 * test here (that is the verdict's job); a change counts only beyond the metric's threshold.
 */
export function compareWithBaseline(
  current: readonly MetricResult[],
  baseline: readonly MetricResult[],
  thresholdPct: (key: string) => number,
): BaselineDelta[] {
  const byKey = new Map(baseline.map((m) => [m.key, m]));
  const out: BaselineDelta[] = [];
  for (const m of current) {
    const b = byKey.get(m.key);
    if (!b) continue;
    const cur = finiteOrNull(computeMedian(m.samples));
    const base = finiteOrNull(computeMedian(b.samples));
    if (cur === null || base === null || base === 0) continue;
    const ratio = cur / base;
    const worsePct = (m.direction === "lower_is_better" ? ratio - 1 : 1 - ratio) * 100;
    const t = thresholdPct(m.key);
    out.push({
      key: m.key,
      label: m.label,
      unit: m.unit,
      direction: m.direction,
      baselineMedian: base,
      currentMedian: cur,
      ratio,
      worsePct,
      thresholdPct: t,
      regressed: worsePct > t,
      gated: m.gated,
    });
  }
  return out;
}
