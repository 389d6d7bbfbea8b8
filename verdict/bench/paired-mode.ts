// Paired mode: the A/B/B/A confirmation on its own, in a job whose cluster drifts, through the
// pipeline's path for `/benchmark confirm 8` (escalateCloseCalls → judgePairs).
import type { RunResult } from "@mlxbench/proto";
import { drawNormal, simulateSamples, type Rng } from "../src/stats/index.js";
import type { VerdictConfig } from "../src/index.js";
import { buildRunResult } from "./build-run-result.js";
import { decideFully } from "./decide-fully.js";

export const PAIRED_PAIRS = 8;
export const PAIRED_EFFECT = 0.02;
const KEY = "inference.e2e_ms";
const WITHIN_CV = 0.02;
const SAMPLES = 20;
/** Run-to-run noise between jobs, as a history shows it (one run per job). */
export const PAIRED_RUN_NOISE = 0.03;
/**
 * The part of it that differs between two back-to-back runs of one job (sampling aside), and the
 * drift within the job: a random walk per run and a linear thermal trend. The rest is the job's
 * own offset, which pairing cancels. Calibrated so that 20 pairs resolve about 1 % (one team's
 * figure, issue 14).
 */
const INDEPENDENT_SD = 0.005;
const WALK_SD = 0.005;
const THERMAL_PER_RUN = 0.003;
const SPIKE_RATE = 0.01;
const HISTORY = 30;

export interface PairedResult {
  trials: number;
  falseAlarms: number;
  hits: number;
  /**
   * Of those flags, how many the paired interval decided alone: the whole interval past the
   * threshold while the (Holm-adjusted) p stayed above `confirmAlpha`.
   */
  byIntervalOnly: { falseAlarms: number; hits: number };
}

function simulateJob(rng: Rng, effect: number, pairs: number, firstIndex: number, metrics = 1) {
  const jobOffset = Math.sqrt(PAIRED_RUN_NOISE ** 2 - INDEPENDENT_SD ** 2) * drawNormal(rng);
  let walk = 0;
  let k = 0;
  const run = (head: boolean): RunResult => {
    walk += WALK_SD * drawNormal(rng);
    // The drift is the job's (shared by its metrics); the spike and the rest are each metric's.
    const series = Array.from({ length: metrics }, (_, i) => {
      const spike = rng.next() < SPIKE_RATE ? 1.1 + 0.4 * rng.next() : 1;
      const log = jobOffset + walk + THERMAL_PER_RUN * k + INDEPENDENT_SD * drawNormal(rng);
      const level = 100 * Math.exp(log) * spike * (head ? 1 + effect : 1);
      const samples = simulateSamples(
        { shape: "lognormal", level, cv: WITHIN_CV, count: SAMPLES },
        rng,
      );
      const key = metrics === 1 ? KEY : `${KEY}.${i + 1}`;
      return { key, direction: "lower_is_better" as const, samples };
    });
    const index = firstIndex + k++;
    return buildRunResult(series, index, head ? "feature" : "main");
  };
  return {
    run,
    pairs: () =>
      Array.from({ length: pairs }, (_, j) => {
        // A/B/B/A: even pairs run the base first, odd pairs the head first.
        if (j % 2 === 0) {
          const base = run(false);
          return { base, head: run(true) };
        }
        const head = run(true);
        return { base: run(false), head };
      }),
  };
}

/**
 * Clean and 2 %-worse jobs, each a screen then 8 requested A/B pairs; a job counts once if any of
 * its `metrics` (all 2 % worse in a regressed job, Holm across them) is flagged.
 */
export async function runPairedMode(
  rng: Rng,
  trials: number,
  config: VerdictConfig,
  metrics = 1,
  pairs = PAIRED_PAIRS,
): Promise<PairedResult> {
  const result: PairedResult = {
    trials,
    falseAlarms: 0,
    hits: 0,
    byIntervalOnly: { falseAlarms: 0, hits: 0 },
  };
  for (const effect of [0, PAIRED_EFFECT]) {
    for (let k = 0; k < trials; k++) {
      // One run per earlier job is the default branch's history; its noise is the between-job 3 %.
      const history = Array.from({ length: HISTORY }, (_, i) =>
        simulateJob(rng, 0, 0, i, metrics).run(false),
      );
      const job = simulateJob(rng, effect, pairs, HISTORY + 1, metrics);
      const decided = await decideFully(
        job.run(true),
        history,
        config,
        { runAgain: () => job.run(true), runPairs: () => job.pairs() },
        { confirm: "requested", confirmPairs: pairs },
      );
      const flagged = decided.verdict.metrics.filter((m) => m.outcome === "regressed");
      const intervalOnly = flagged.some(
        (m) => (m.confirmation?.adjustedWorseP ?? 0) > config.confirmAlpha,
      );
      const tally = effect === 0 ? "falseAlarms" : "hits";
      if (flagged.length > 0) result[tally]++;
      if (intervalOnly) result.byIntervalOnly[tally]++;
    }
  }
  return result;
}
