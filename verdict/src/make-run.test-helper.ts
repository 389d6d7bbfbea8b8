import {
  RESULT_SCHEMA_VERSION,
  type Direction,
  type Fingerprint,
  type MetricResult,
  type RunResult,
} from "@mlxbench/proto";
import { createRng, drawNormal, simulateSamples, type NoiseShape } from "./stats/index.js";

export const FINGERPRINT: Fingerprint = {
  hardware: "Apple M2 Ultra 192GB macOS 15",
  clusterMode: "distributed",
  deviceCount: 3,
  devices: ["mini1", "mini2", "master"],
  model: "mlx-community/Qwen3-8B-4bit",
  suiteOptionsHash: "quick-v1",
  suiteOptions: { quick: true },
  versions: { mlx: "0.26.0" },
};

export function makeMetric(
  key: string,
  samples: number[],
  extra: Partial<MetricResult> = {},
): MetricResult {
  return {
    key,
    component: "performance",
    label: key,
    unit: "ms",
    direction: "lower_is_better",
    samples,
    stats: null,
    gated: true,
    ...extra,
  };
}

export function makeRun(
  index: number,
  metrics: MetricResult[],
  extra: Partial<RunResult> = {},
): RunResult {
  const at = new Date(Date.UTC(2025, 0, 1) + index * 3_600_000).toISOString();
  return {
    schemaVersion: RESULT_SCHEMA_VERSION,
    // The suite's style of id, never the archive's: a test that confuses the two fails.
    runId: `${at.slice(0, 19).replace(/[-:]/g, "").replace("T", "_")}-${index.toString(16).padStart(8, "0")}`,
    startedAt: at,
    finishedAt: at,
    source: { commit: `c${index}`.padEnd(40, "0"), branch: "main" },
    fingerprint: FINGERPRINT,
    metrics,
    validation: { status: "PASS", criticalFailures: [], fixes: [] },
    components: [],
    readiness: { verdict: "READY", blocking: [], warnings: [], greenLights: [] },
    warnings: [],
    exitCode: 0,
    ...extra,
  };
}

export interface SeriesSpec {
  key: string;
  direction?: Direction;
  shape?: NoiseShape;
  cv?: number;
  count?: number;
  level?: number;
  /** Run-to-run noise of the level (fraction). */
  runNoise?: number;
  gated?: boolean;
}

/**
 * A default-branch history of `runs` runs and a current run whose levels are multiplied by
 * `factor(key)`; all seeded.
 */
export function makeScenario(
  specs: readonly SeriesSpec[],
  options: {
    seed: number;
    runs?: number;
    factor?: (key: string) => number;
    /** The default branch changed level `runsAgo` runs before the baseline: those runs and the current one are multiplied by `factor(key)`. */
    step?: { runsAgo: number; factor: (key: string) => number };
  },
): { history: RunResult[]; baseline: RunResult; current: RunResult } {
  const rng = createRng(options.seed);
  const runs = options.runs ?? 40;
  const draw = (index: number, factor: (key: string) => number): RunResult =>
    makeRun(
      index,
      specs.map((s) => {
        const level =
          (s.level ?? 100) * Math.exp((s.runNoise ?? 0.003) * drawNormal(rng)) * factor(s.key);
        const samples = simulateSamples(
          { shape: s.shape ?? "lognormal", level, cv: s.cv ?? 0.03, count: s.count ?? 20 },
          rng,
        );
        return makeMetric(s.key, samples, {
          direction: s.direction ?? "lower_is_better",
          gated: s.gated ?? true,
        });
      }),
    );
  const step = options.step;
  const stepped = (i: number) => (key: string) =>
    step !== undefined && i >= runs - step.runsAgo ? step.factor(key) : 1;
  const history = Array.from({ length: runs }, (_, i) => draw(i, stepped(i)));
  const factor = options.factor ?? (() => 1);
  const current = draw(runs, (key) => stepped(runs)(key) * factor(key));
  const baseline = history[history.length - 1];
  if (baseline === undefined) throw new RangeError("a scenario needs at least one history run");
  return {
    history,
    baseline,
    current: { ...current, source: { commit: "f".repeat(40), branch: "feature", pullRequest: 7 } },
  };
}
