import { z } from "zod";
import type { MlxbenchConfig } from "@mlxbench/proto";

/** How the verdict decides; every field has a default, so `{}` is a valid config. */
export const VerdictConfig = z
  .object({
    /** Family-wise false-alarm rate per run across all compared metrics (Holm). */
    alpha: z.number().gt(0).lt(1).default(0.01),
    /** Practical threshold in percent for metrics without their own. */
    defaultThresholdPct: z.number().positive().max(1000).default(5),
    /** Practical threshold in percent by metric key. */
    thresholdsPct: z.record(z.string().min(1), z.number().positive().max(1000)).default({}),
    /** When set, only these keys can fail the check (and only if the result marks them gated). */
    gatedMetrics: z.array(z.string().min(1)).optional(),
    /**
     * A threshold-sized change that is not significant after the correction is "inconclusive" only
     * when its own one-sided p-value is at most this; weaker hints are noise and stay "unchanged".
     */
    inconclusiveP: z.number().gt(0).lt(1).default(0.05),
    /** Default-branch runs used to measure run-to-run noise (60 gives the estimate ~39 degrees of freedom). */
    noiseWindow: z.number().int().min(2).max(1000).default(60),
    /** The screen's noise is at least that of these most recent runs (noise that grew is not averaged away). */
    recentNoiseWindow: z.number().int().min(2).max(1000).default(15),
    /** Power at which the minimum detectable effect (mdePct) is stated. */
    power: z.number().gt(0.5).lt(1).default(0.8),
    /**
     * A call is close when the screen's MDE at this power exceeds the threshold: one run cannot
     * settle a threshold-sized change, so a flag or a worsening hint goes to A/B pairs.
     */
    closeCallPower: z.number().gt(0.5).lt(1).default(0.9),
    /**
     * A worsening whose one-sided p against run-to-run noise is at most this, with the threshold in
     * its interval, is a close call for A/B pairs (each costs a confirmation on the cluster).
     */
    closeCallP: z.number().gt(0).lt(1).default(0.3),
    /**
     * A screen interval that reaches the threshold without leaning worse goes to A/B pairs only
     * when maxPairs pairs would detect a threshold-sized worsening at least at this power (against
     * robust run-to-run noise); below it, pairs would mostly cost cluster time and false alarms.
     */
    straddlePower: z.number().min(0.5).lt(1).default(0.5),
    /** Family-wise level of the paired confirmation (Holm across confirmed metrics). */
    confirmAlpha: z.number().gt(0).lt(1).default(0.02),
    /**
     * The level instead, for a metric automatic pairs confirm only because the screen's interval
     * reached the threshold (`straddle`): the screen did not point at a worsening, so the pairs make
     * the whole case, and on clean points they flag at about their level.
     */
    straddleAlpha: z.number().gt(0).lt(1).default(0.01),
    /** Share of pairs trimmed from each end in Yuen's paired test (from 10 pairs on); 0: plain t. */
    confirmTrim: z.number().min(0).lt(0.5).default(0.2),
    /** Power at which a confirmation's pair count is sized (the paired MDE meets the threshold). */
    confirmPower: z.number().gt(0.5).lt(1).default(0.9),
    /** A/B pairs of a confirmation; unset: sized from the noise so the paired MDE meets the threshold. */
    confirmPairs: z.number().int().min(2).max(1000).optional(),
    /** Most A/B pairs a confirmation may run (a sized or requested count is clamped to it). */
    maxPairs: z.number().int().min(2).max(1000).default(20),
    /** Most recent default-branch runs (ending at the baseline) whose mean is the branch's level. */
    levelWindow: z.number().int().min(1).max(1000).default(10),
    /** Below this many history runs the run noise is assumed, not measured. */
    minHistoryRuns: z.number().int().min(2).default(5),
    /** Run-to-run noise in percent assumed while the history is too short to measure it. */
    assumedRunNoisePct: z.number().positive().max(100).default(2),
    resamples: z.number().int().min(100).max(100_000).default(2000),
    confidence: z.number().gt(0.5).lt(1).default(0.95),
    seed: z.number().int().default(20240521),
  })
  .strict();
export type VerdictConfig = z.infer<typeof VerdictConfig>;

export class VerdictConfigError extends Error {
  override readonly name = "VerdictConfigError";
}

/** Parses a verdict config; the error names each bad field. */
export function parseVerdictConfig(input: unknown): VerdictConfig {
  const parsed = VerdictConfig.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map(
    (i) => `${i.path.map(String).join(".") || "(config)"}: ${i.message}`,
  );
  throw new VerdictConfigError(`invalid verdict config: ${problems.join("; ")}`, {
    cause: parsed.error,
  });
}

/** The verdict's view of the repository's `.mlxbench.yml` (thresholds, gated metrics, confirmation). */
export function deriveVerdictConfig(
  repo: Pick<MlxbenchConfig, "thresholds" | "gated_metrics"> &
    Partial<Pick<MlxbenchConfig, "confirmation">>,
): VerdictConfig {
  const confirmation = repo.confirmation;
  return parseVerdictConfig({
    defaultThresholdPct: repo.thresholds.default_pct,
    thresholdsPct: repo.thresholds.metrics,
    gatedMetrics: repo.gated_metrics,
    ...(confirmation?.pairs !== undefined ? { confirmPairs: confirmation.pairs } : {}),
    ...(confirmation !== undefined ? { maxPairs: confirmation.max_pairs } : {}),
  });
}

export function readThresholdPct(config: VerdictConfig, key: string): number {
  return config.thresholdsPct[key] ?? config.defaultThresholdPct;
}
