// Run results for the bench: a run of one or more metrics, and the bridge from one value to samples.
import { RESULT_SCHEMA_VERSION, type Direction, type RunResult } from "@mlxbench/proto";
import { studentTQuantile } from "../src/stats/index.js";

export interface BenchMetric {
  key: string;
  direction: Direction;
  samples: number[];
}

/** A minimal valid run result on the reference cluster's fingerprint; `index` orders runs in time. */
export function buildRunResult(
  metrics: readonly BenchMetric[],
  index: number,
  branch: string,
): RunResult {
  const at = new Date(Date.UTC(2025, 0, 1) + index * 3_600_000).toISOString();
  return {
    schemaVersion: RESULT_SCHEMA_VERSION,
    runId: `run-${index}`,
    startedAt: at,
    finishedAt: at,
    source: { commit: `c${index}`, branch },
    fingerprint: {
      hardware: "M2 Ultra",
      clusterMode: "distributed",
      deviceCount: 3,
      devices: ["mini1", "mini2", "master"],
      model: "qwen",
      suiteOptionsHash: "quick",
      suiteOptions: {},
      versions: {},
    },
    metrics: metrics.map((m) => ({
      key: m.key,
      component: "performance" as const,
      label: m.key,
      unit: "",
      direction: m.direction,
      samples: m.samples,
      stats: null,
      gated: true,
    })),
    validation: null,
    components: [],
    readiness: { verdict: "READY", blocking: [], warnings: [], greenLights: [] },
    warnings: [],
    exitCode: 0,
  };
}

/** Samples per bridged run: the suite's smallest usual count. */
export const BRIDGE_SAMPLES = 10;
const QUANTILES = Array.from({ length: BRIDGE_SAMPLES }, (_, i) =>
  // Normal scores at (i + 0.5) / n, via a t quantile with very many degrees of freedom.
  studentTQuantile((i + 0.5) / BRIDGE_SAMPLES, 1e6),
);

/**
 * The bridge: one recorded value becomes a run of BRIDGE_SAMPLES samples spread log-normally at
 * the normal scores around it, so the run's median and Hodges–Lehmann location are the value
 * itself and its within-run spread is `withinCv`. Deterministic: the value carries no more.
 */
export function bridgeSamples(value: number, withinCv: number): number[] {
  const sigma = Math.sqrt(Math.log(1 + withinCv * withinCv));
  return QUANTILES.map((z) => value * Math.exp(sigma * z));
}

/** Pools two runs' samples per metric, as the pipeline's re-run does (mergeRunResults). */
export function poolRuns(first: RunResult, second: RunResult): RunResult {
  const byKey = new Map(second.metrics.map((m) => [m.key, m]));
  return {
    ...first,
    metrics: first.metrics.map((m) => ({
      ...m,
      samples: [...m.samples, ...(byKey.get(m.key)?.samples ?? [])],
    })),
  };
}
