import type { Direction } from "@mlxbench/proto";
import { listRuns, loadRunResult, type ArchiveStore } from "@mlxbench/archive";
import { computeMedian, createRng, detectChangePoints } from "@mlxbench/verdict/stats";

export interface TrendPoint {
  runId: string;
  commit: string;
  finishedAt: string;
  /** Median of the run's samples (the run's level). */
  value: number;
  changePoint: boolean;
}

export interface MetricTrend {
  key: string;
  label: string;
  unit: string;
  direction: Direction;
  /** Whether the verdict gates on it, as the newest run that measured it says. */
  gated: boolean;
  /** Oldest first. */
  points: TrendPoint[];
}

export interface Trends {
  defaultBranch: string;
  runs: number;
  metrics: MetricTrend[];
  /** Runs left out, with why (a corrupt run_result.json, …). */
  problems: string[];
}

export interface LoadTrendsOptions {
  defaultBranch: string;
  /** Newest default-branch runs to show (default 60). */
  limit?: number;
  includePrivateRuns: boolean;
}

const PARALLEL = 8;
// Fixed seed: the same history always marks the same change points.
const CHANGE_POINT_SEED = 0x7e2d;

/** Each metric's level over the default branch's history, with change points (e-divisive means). */
export async function loadTrends(
  store: ArchiveStore,
  repository: string,
  options: LoadTrendsOptions,
): Promise<Trends> {
  const metas = (
    await listRuns(store, repository, {
      branch: options.defaultBranch,
      withResult: true,
      limit: options.limit ?? 60,
    })
  )
    .filter((m) => m.conclusion !== "cancelled" && (options.includePrivateRuns || !m.private))
    .reverse();
  const problems: string[] = [];
  const results = [];
  for (let i = 0; i < metas.length; i += PARALLEL) {
    const batch = metas.slice(i, i + PARALLEL);
    const loaded = await Promise.all(
      batch.map(async (meta) => {
        try {
          return { meta, result: await loadRunResult(store, repository, meta.runId) };
        } catch (err) {
          problems.push(`run ${meta.runId}: ${(err as Error).message}`);
          return { meta, result: null };
        }
      }),
    );
    results.push(...loaded);
  }

  const byKey = new Map<string, MetricTrend>();
  for (const { meta, result } of results) {
    if (!result) continue;
    for (const m of result.metrics) {
      const finite = m.samples.filter((v) => Number.isFinite(v));
      const value = finite.length > 0 ? computeMedian(finite) : (m.stats?.p50 ?? Number.NaN);
      if (!Number.isFinite(value)) continue;
      let trend = byKey.get(m.key);
      if (!trend) {
        trend = {
          key: m.key,
          label: m.label,
          unit: m.unit,
          direction: m.direction,
          gated: m.gated,
          points: [],
        };
        byKey.set(m.key, trend);
      }
      trend.gated = m.gated; // runs come oldest first: the newest run's word stands
      trend.points.push({
        runId: meta.runId,
        commit: meta.commit,
        finishedAt: meta.finishedAt,
        value,
        changePoint: false,
      });
    }
  }
  // Gated metrics first: they decide the verdict, so the page leads with them.
  const metrics = [...byKey.values()].sort(
    (a, b) => Number(b.gated) - Number(a.gated) || a.key.localeCompare(b.key),
  );
  for (const trend of metrics) {
    if (trend.points.length < 6) continue;
    const indices = detectChangePoints(
      trend.points.map((p) => p.value),
      { rng: createRng(CHANGE_POINT_SEED), minSegment: 3 },
    );
    for (const i of indices) {
      const p = trend.points[i];
      if (p) p.changePoint = true;
    }
  }
  return { defaultBranch: options.defaultBranch, runs: metas.length, metrics, problems };
}
