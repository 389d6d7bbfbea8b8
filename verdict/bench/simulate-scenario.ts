// Simulated PRs: a default-branch history of 8 metrics and one run of the PR, in two noise profiles.
import type { Direction, RunResult } from "@mlxbench/proto";
import {
  drawIndex,
  drawNormal,
  NOISE_SHAPES,
  simulateSamples,
  type NoiseShape,
  type Rng,
} from "../src/stats/index.js";
import type { RunPair } from "../src/index.js";
import { buildRunResult } from "./build-run-result.js";

export const METRICS_PER_RUN = 8;
export const HISTORY_RUNS = 100;
export const SAMPLES_MIN = 10;
export const SAMPLES_MAX = 30;
export const CVS = [0.01, 0.03, 0.05, 0.1] as const;

const METRIC_KEYS: readonly { key: string; direction: Direction }[] = [
  { key: "inference.e2e_ms", direction: "lower_is_better" },
  { key: "inference.ttft_ms", direction: "lower_is_better" },
  { key: "inference.tpot_ms", direction: "lower_is_better" },
  { key: "throughput.output_tokens_per_s", direction: "higher_is_better" },
  { key: "throughput.requests_per_s", direction: "higher_is_better" },
  { key: "communication.allreduce_ms", direction: "lower_is_better" },
  { key: "communication.tensor_roundtrip_ms", direction: "lower_is_better" },
  { key: "comprehensive.serialization_ms", direction: "lower_is_better" },
];

/**
 * How runs differ from each other. "calm" is the original table (run-to-run noise 10–30 % of the
 * within-run CV, normal); "corpus" looks like the real histories (verdict/bench/data/README.md).
 */
export interface NoiseProfile {
  name: string;
  /** Run-to-run noise as a multiple of the within-run CV, drawn uniformly per metric. */
  runNoiseOfCv: readonly [number, number];
  /** Run effects Student t with 3 degrees of freedom (unit variance) instead of normal. */
  heavyTails: boolean;
  /** Share of metrics whose runs jump between two levels; the upper mode's share of runs. */
  twoModeShare: number;
  upperModeRuns: number;
  /** Chance that a run is a one-run spike 10–50 % worse. */
  spikeRate: number;
  /** Chance that the history holds a level step of 5–15 % (either way) somewhere. */
  stepRate: number;
  /** Thermal drift within a run: samples drift linearly by up to this multiple of the CV. */
  thermalOfCv: number;
}

export const CALM: NoiseProfile = {
  name: "calm",
  runNoiseOfCv: [0.1, 0.3],
  heavyTails: false,
  twoModeShare: 0,
  upperModeRuns: 0,
  spikeRate: 0,
  stepRate: 0,
  thermalOfCv: 0,
};

export const CORPUS_LIKE: NoiseProfile = {
  name: "corpus-like",
  runNoiseOfCv: [0.5, 3],
  heavyTails: true,
  twoModeShare: 0.25,
  upperModeRuns: 0.3,
  spikeRate: 0.01,
  stepRate: 0.2,
  thermalOfCv: 0.5,
};

/** Slow drift of the default branch: random-walk step as a fraction of the run noise. */
const WALK_OF_RUN_NOISE = 0.2;

interface MetricSpec {
  key: string;
  direction: Direction;
  shape: NoiseShape;
  cv: number;
  count: number;
  level: number;
  runNoise: number;
  /** Log gap of the upper mode; 0 for one mode. */
  modeGap: number;
}

/** A level change of the default branch `runsAgo` runs before the baseline; every metric moves `percent` (+: worse). */
export interface Step {
  runsAgo: number;
  percent: number;
}

export interface Scenario {
  specs: MetricSpec[];
  /** Per-run mean of each metric's samples (what the anchors read), oldest first. */
  historyMeans: number[][];
  history: RunResult[];
  current: RunResult;
  injected: number | null;
  /** Another run of the PR's head (same effect), as the pipeline's re-run would get. */
  runAgain: () => RunResult;
  /** A/B/B/A pairs of the merge-base and the head, as the confirmation would run. */
  runPairs: (pairs: number) => RunPair[];
}

function drawRunEffect(rng: Rng, heavy: boolean): number {
  const z = drawNormal(rng);
  if (!heavy) return z;
  const chi = drawNormal(rng) ** 2 + drawNormal(rng) ** 2 + drawNormal(rng) ** 2;
  return z / Math.sqrt(chi / 3) / Math.sqrt(3);
}

function drawSpecs(rng: Rng, profile: NoiseProfile, injected: number | null, cvOf: number | null) {
  return METRIC_KEYS.slice(0, METRICS_PER_RUN).map((m, i): MetricSpec => {
    const cv = i === injected && cvOf !== null ? cvOf : (CVS[drawIndex(rng, CVS.length)] ?? 0.03);
    const [lo, hi] = profile.runNoiseOfCv;
    const runNoise = cv * (lo + rng.next() * (hi - lo));
    const twoModes = rng.next() < profile.twoModeShare;
    return {
      ...m,
      shape: NOISE_SHAPES[drawIndex(rng, NOISE_SHAPES.length)] ?? "lognormal",
      cv,
      count: SAMPLES_MIN + drawIndex(rng, SAMPLES_MAX - SAMPLES_MIN + 1),
      level: 10 + 1000 * rng.next(),
      runNoise,
      modeGap: twoModes ? runNoise * (1 + 2 * rng.next()) : 0,
    };
  });
}

export function simulateScenario(
  rng: Rng,
  profile: NoiseProfile,
  effect: number,
  injectedCv: number | null,
  step?: Step,
): Scenario {
  const injected = injectedCv === null ? null : drawIndex(rng, METRICS_PER_RUN);
  const specs = drawSpecs(rng, profile, injected, injectedCv);
  const walk = specs.map(() => 0);
  // The factor that makes metric i `percent` worse.
  const worseBy = (i: number, percent: number): number =>
    specs[i]?.direction === "higher_is_better" ? 1 - percent / 100 : 1 + percent / 100;
  const ownStep =
    rng.next() < profile.stepRate
      ? {
          at: 1 + drawIndex(rng, HISTORY_RUNS - 1),
          percent: (rng.next() < 0.5 ? -1 : 1) * (5 + 10 * rng.next()),
        }
      : null;
  const drawSamples = (factor: (i: number) => number): number[][] =>
    specs.map((s, i) => {
      walk[i] = (walk[i] ?? 0) + WALK_OF_RUN_NOISE * s.runNoise * drawNormal(rng);
      const mode = s.modeGap > 0 && rng.next() < profile.upperModeRuns ? s.modeGap : 0;
      const spike = rng.next() < profile.spikeRate ? worseBy(i, 10 + 40 * rng.next()) : 1;
      const effectOfRun = s.runNoise * drawRunEffect(rng, profile.heavyTails);
      const level = s.level * Math.exp((walk[i] ?? 0) + effectOfRun + mode) * spike * factor(i);
      const samples = simulateSamples({ shape: s.shape, level, cv: s.cv, count: s.count }, rng);
      const thermal = profile.thermalOfCv * s.cv * rng.next();
      return samples.map((v, k) => v * Math.exp((thermal * k) / Math.max(1, s.count - 1)));
    });
  const stepAt = step === undefined ? HISTORY_RUNS : HISTORY_RUNS - step.runsAgo;
  const levelAt = (k: number, i: number): number =>
    (step !== undefined && k >= stepAt ? worseBy(i, step.percent) : 1) *
    (ownStep !== null && k >= ownStep.at ? worseBy(i, ownStep.percent) : 1);
  const toRun = (samples: number[][], index: number, branch: string): RunResult =>
    buildRunResult(
      specs.map((s, i) => ({ key: s.key, direction: s.direction, samples: samples[i] ?? [] })),
      index,
      branch,
    );
  const historySamples = Array.from({ length: HISTORY_RUNS }, (_, k) =>
    drawSamples((i) => levelAt(k, i)),
  );
  const head = (i: number): number =>
    levelAt(HISTORY_RUNS, i) * (i === injected ? worseBy(i, effect * 100) : 1);
  const base = (i: number): number => levelAt(HISTORY_RUNS, i);
  let index = HISTORY_RUNS + 1;
  return {
    specs,
    historyMeans: historySamples.map((run) =>
      run.map((s) => s.reduce((a, b) => a + b, 0) / Math.max(1, s.length)),
    ),
    history: historySamples.map((run, k) => toRun(run, k, "main")),
    current: toRun(drawSamples(head), index++, "feature"),
    injected,
    runAgain: () => toRun(drawSamples(head), index++, "feature"),
    runPairs: (pairs) =>
      Array.from({ length: pairs }, (_, j) => {
        // A/B/B/A: even pairs run the base first, odd pairs the head first.
        const first = j % 2 === 0 ? drawSamples(base) : drawSamples(head);
        const second = j % 2 === 0 ? drawSamples(head) : drawSamples(base);
        const [b, h] = j % 2 === 0 ? [first, second] : [second, first];
        return { base: toRun(b, index++, "main"), head: toRun(h, index++, "feature") };
      }),
  };
}
