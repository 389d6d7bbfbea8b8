import type { MetricResult } from "@mlxbench/proto";
import {
  bootstrapLogRatioOfMedians,
  computeHodgesLehmann,
  medianOfSorted,
  createRng,
  deriveSeed,
  detectChangePoints,
  estimateScreenNoise,
  studentTTwoSidedP,
  testMannWhitney,
} from "./stats/index.js";
import type { MetricChange, MetricEvidence, MetricVerdict } from "./metric-verdict.js";
import { readThresholdPct, type VerdictConfig } from "./verdict-config.js";
import { toPercent } from "./format-change.js";

/** A metric measured in both runs with valid samples, before the run-wide correction. */
export interface MeasuredMetric {
  verdict: MetricVerdict;
  /** log(median current / median baseline), oriented so that positive means worse. */
  worse: number;
  worseLower: number;
  worseUpper: number;
  /** Pieces for the samples-needed estimate. */
  levelGap: number;
  runNoiseDf: number;
  runToRunVariance: number;
  withinVariancePerSample: number;
  levelRuns: number;
  /** Variance of one run's location (between-run part plus this run's sampling part), log scale. */
  runVariance: number;
  /**
   * One-sided p that the run is worse than the level against robust noise only: the larger of the
   * history's robust run-to-run sd (median successive difference) and this run's own robust
   * sampling sd (MAD). It only decides whether a worsening is a close call worth A/B pairs; the
   * screen's own p (runNoiseP) stays on the cautious largest-of estimate, so no flag comes from it.
   */
  leanP: number;
  /** One run's robust run-to-run noise in percent (the sd behind leanP). */
  robustNoisePct: number;
}

/** Checks one metric's samples; returns the reason they cannot be compared, or null. */
export function findSampleProblem(
  samples: readonly number[],
  which: string,
): { outcome: "insufficient_samples" | "invalid"; reason: string } | null {
  const nonFinite = samples.filter((v) => !Number.isFinite(v)).length;
  if (nonFinite > 0) {
    return {
      outcome: "invalid",
      reason: `${nonFinite} of ${samples.length} samples in ${which} are NaN or infinite`,
    };
  }
  const nonPositive = samples.filter((v) => v <= 0).length;
  if (nonPositive > 0) {
    return {
      outcome: "invalid",
      reason: `${nonPositive} of ${samples.length} samples in ${which} are ≤ 0, so a ratio of medians is undefined`,
    };
  }
  if (samples.length < 2) {
    return {
      outcome: "insufficient_samples",
      reason: `${which} has ${samples.length} sample(s); at least 2 are needed`,
    };
  }
  return null;
}

/** Fewest runs on either side of a level change; fewer cannot tell a step from two noisy runs. */
const LEVEL_MIN_RUNS = 3;

/**
 * Indices of `series` (oldest first) where a new level begins, found by E-divisive means over the
 * last 2 × levelWindow runs (enough to place a change inside the level window with runs on both
 * sides, and cheap: the test is O(n²) per permutation). Seeded per metric, so deterministic.
 */
function findLevelStarts(series: readonly number[], config: VerdictConfig, key: string): number[] {
  const span = Math.min(series.length, 2 * config.levelWindow);
  if (span < 2 * LEVEL_MIN_RUNS) return [];
  const offset = series.length - span;
  return detectChangePoints(series.slice(offset), {
    rng: createRng(deriveSeed(config.seed, `${key}:level`)),
    minSegment: LEVEL_MIN_RUNS,
    // 0.05, not 0.01: with 3 runs after a step, 0.01 missed it often enough to leave 16 false
    // alarms per 100 clean PRs (npm run bench:verdict, level-change table); 99 permutations
    // resolve p to 0.01, enough for that cut.
    permutations: 99,
  }).map((i) => i + offset);
}

/** A run's location on the log scale, the unit of the run-to-run noise series. */
export function summarizeRun(logSamples: readonly number[]): number {
  return computeHodgesLehmann(logSamples);
}

/** Log location of a run's samples for the history series, or null when they are unusable. */
export function summarizeHistoryRun(metric: MetricResult | undefined): number | null {
  if (metric === undefined || findSampleProblem(metric.samples, "history") !== null) return null;
  return summarizeRun(metric.samples.map(Math.log));
}

/**
 * Variance of the Hodges–Lehmann location of a sample: π/3 · σ² / n for normal data, with σ
 * estimated robustly from the median absolute deviation.
 */
function estimateLocationVariance(logSamples: readonly number[]): number {
  const center = medianOfSorted(Float64Array.from(logSamples).sort());
  const mad = medianOfSorted(Float64Array.from(logSamples, (v) => Math.abs(v - center)).sort());
  const sigma = 1.4826 * mad;
  return ((Math.PI / 3) * sigma * sigma) / logSamples.length;
}

/**
 * Everything about one metric that does not depend on the other metrics: effect and interval,
 * the rank test, and the test against the default branch's run-to-run noise.
 * `history` holds log locations (summarizeRun) of default-branch runs, oldest first, ending with
 * the baseline; `recentSamples` the samples of the last `levelWindow` of them.
 */
export function measureMetric(
  current: MetricResult,
  baseline: MetricResult,
  history: readonly number[],
  recentSamples: readonly (readonly number[])[],
  gated: boolean,
  config: VerdictConfig,
): MeasuredMetric {
  const logX = current.samples.map(Math.log);
  const logY = baseline.samples.map(Math.log);
  const orient = current.direction === "lower_is_better" ? 1 : -1;
  const rng = createRng(deriveSeed(config.seed, current.key));

  const noiseSeries = history.slice(-config.noiseWindow);
  // Where the branch itself changed level (an accepted slowdown, a merged speed-up), the level
  // and the pooled samples start after the change, and the step is not counted as noise.
  const levelStarts = findLevelStarts(noiseSeries, config, current.key);
  const runsInLevel = noiseSeries.length - (levelStarts.at(-1) ?? 0);
  const levelRuns = Math.max(1, Math.min(config.levelWindow, runsInLevel));
  const measured =
    noiseSeries.length >= config.minHistoryRuns
      ? estimateScreenNoise(noiseSeries, levelStarts, config.recentNoiseWindow)
      : null;
  const assumedSd = Math.log(1 + config.assumedRunNoisePct / 100);

  // Against the samples of the branch's recent runs, not the baseline's alone: 10 samples against 10
  // cannot show a 5 % shift at 3 % CV at this alpha, 10 against 100 can. The run-to-run noise
  // that pooling ignores is the other test's job, and both must agree.
  const pooled = recentSamples.slice(-levelRuns);
  const recent = pooled.length > 0 ? pooled.flatMap((r) => r.map(Math.log)) : logY;
  const rank = testMannWhitney(logX, recent);
  const runNoiseDf = measured?.df ?? Number.POSITIVE_INFINITY;
  // Sampling variance of this run's location; history runs share the fingerprint, hence the sample count.
  const samplingVariance = estimateLocationVariance(logX);
  // A run's location varies by its own sampling plus the between-run part the history reveals
  // (or, with too little history, the assumed noise on top of the sampling).
  const betweenVariance =
    measured === null
      ? assumedSd * assumedSd
      : Math.max(0, measured.sd * measured.sd - samplingVariance);
  const runVariance = betweenVariance + samplingVariance;
  const interval = bootstrapLogRatioOfMedians(logX, logY, {
    rng,
    resamples: config.resamples,
    confidence: config.confidence,
    // Two runs differ by two runs' between-run noise; the replicates already hold the sampling part.
    extraSd: Math.sqrt(2 * betweenVariance),
  });

  const levelSeries = history.slice(-levelRuns);
  const level = levelSeries.reduce((a, b) => a + b, 0) / levelSeries.length;
  const currentLog = summarizeRun(logX);
  const levelGap = currentLog - level;
  const tNoise = levelGap / Math.sqrt(runVariance * (1 + 1 / levelSeries.length));
  const runNoiseP = studentTTwoSidedP(tNoise, runNoiseDf);
  // Spikes and mode jumps inflate the screen's noise (rightly, for a flag), which hides real
  // worsenings from the close-call check; the robust noise does not.
  const historyRobustSd = measured?.robustSd ?? null;
  const historyRobustVariance =
    historyRobustSd !== null && historyRobustSd > 0 ? historyRobustSd ** 2 : runVariance;
  const robustVariance = Math.max(historyRobustVariance, samplingVariance);
  const tLean = levelGap / Math.sqrt(robustVariance * (1 + 1 / levelSeries.length));
  const leanTwoSided = studentTTwoSidedP(tLean, runNoiseDf);
  const leanP = orient * levelGap > 0 ? leanTwoSided / 2 : 1 - leanTwoSided / 2;

  // One-sided p-values towards "worse" and "better"; each direction needs both tests.
  const oneSided = (p: number, towards: number): number => (towards > 0 ? p / 2 : 1 - p / 2);
  const rankWorse = orient * rank.direction;
  const noiseWorse = orient * Math.sign(levelGap);
  const worseP = Math.max(oneSided(rank.p, rankWorse), oneSided(runNoiseP, noiseWorse));
  const betterP = Math.max(oneSided(rank.p, -rankWorse), oneSided(runNoiseP, -noiseWorse));

  const change: MetricChange = {
    ratio: Math.exp(interval.estimate),
    percent: toPercent(interval.estimate),
    lowerPercent: toPercent(interval.lower),
    upperPercent: toPercent(interval.upper),
  };
  const evidence: MetricEvidence = {
    rankP: rank.p,
    rankMethod: rank.method,
    runNoiseP,
    worseP,
    betterP,
    adjustedWorseP: Number.NaN,
    adjustedBetterP: Number.NaN,
    runNoisePct: toPercent(Math.sqrt(runVariance)),
    historyRuns: noiseSeries.length,
    runNoiseAssumed: measured === null,
    runNoiseShare: runVariance > 0 ? betweenVariance / runVariance : 0,
  };
  const worse = orient * interval.estimate;
  const [worseLower, worseUpper] =
    orient === 1 ? [interval.lower, interval.upper] : [-interval.upper, -interval.lower];
  return {
    verdict: {
      key: current.key,
      unit: current.unit,
      direction: current.direction,
      gated,
      outcome: "unchanged",
      reason: "",
      thresholdPct: readThresholdPct(config, current.key),
      samples: { current: current.samples.length, baseline: baseline.samples.length },
      change,
      evidence,
      moreSamplesNeeded: null,
      mdePct: null,
      needsConfirmation: false,
      confirmation: null,
    },
    worse,
    worseLower,
    worseUpper,
    levelGap,
    runNoiseDf,
    runToRunVariance: betweenVariance,
    withinVariancePerSample: samplingVariance * current.samples.length,
    levelRuns: levelSeries.length,
    runVariance,
    leanP,
    robustNoisePct: toPercent(Math.sqrt(robustVariance)),
  };
}
