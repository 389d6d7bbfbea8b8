import type { MetricResult, RunResult } from "@mlxbench/proto";
import { summarize } from "@mlxbench/suite/measure";

/**
 * Pools the samples of two runs with the same options: the re-run of an inconclusive verdict
 * doubles the samples while its fingerprint stays comparable with the baseline's (a run with
 * other iteration counts would not be).
 */
export function mergeRunResults(first: RunResult, second: RunResult): RunResult {
  const byKey = new Map(second.metrics.map((m) => [m.key, m]));
  const metrics: MetricResult[] = first.metrics.map((m) => {
    const other = byKey.get(m.key);
    if (!other) return m;
    const samples = [...m.samples, ...other.samples];
    return { ...m, samples, stats: summarize(samples) };
  });
  const seen = new Set(first.metrics.map((m) => m.key));
  for (const m of second.metrics) if (!seen.has(m.key)) metrics.push(m);
  return {
    ...second,
    runId: first.runId,
    startedAt: first.startedAt,
    metrics,
    components: [...first.components, ...second.components],
    warnings: [...new Set([...first.warnings, ...second.warnings])],
  };
}
