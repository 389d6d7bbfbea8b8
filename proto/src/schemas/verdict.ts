import { z } from "zod";
import { Direction } from "./run-result.js";

// The verdict as it is archived (verdict.json) and read back by the archive and the pages. Fields
// added after the first archived verdicts are optional or defaulted, so old verdicts still parse.

/** A number that JSON may have turned into null (NaN and ±Infinity are written as null). */
const JsonNumber = z.union([z.number(), z.nan(), z.null().transform(() => Number.NaN)]);

export const METRIC_OUTCOMES = [
  "regressed",
  "improved",
  "unchanged",
  "inconclusive",
  /** In the baseline, absent from this run. */
  "missing",
  /** In this run, absent from the baseline: nothing to compare with. */
  "new",
  /** Zero or one usable sample in one of the runs. */
  "insufficient_samples",
  /** NaN, ±Infinity or non-positive samples, or the two runs disagree on the metric's direction. */
  "invalid",
] as const;
export const MetricOutcome = z.enum(METRIC_OUTCOMES);
export type MetricOutcome = z.infer<typeof MetricOutcome>;

/** How the two runs differ, current relative to baseline, in percent (+ means the value went up). */
export const MetricChange = z.object({
  /** median(current) / median(baseline). */
  ratio: JsonNumber,
  percent: JsonNumber,
  /** Bootstrap interval of `percent`, widened by the default branch's run-to-run noise. */
  lowerPercent: JsonNumber,
  upperPercent: JsonNumber,
});
export type MetricChange = z.infer<typeof MetricChange>;

export const MetricEvidence = z.object({
  /** Mann–Whitney U of this run's samples against those of the recent default-branch runs, two-sided. */
  rankP: JsonNumber,
  rankMethod: z.enum(["exact", "normal"]),
  /** Student t of this run's location against the default branch's recent level and run-to-run noise. */
  runNoiseP: JsonNumber,
  /** One-sided p that the metric got worse: both tests must agree, so the larger of their one-sided p-values. */
  worseP: JsonNumber,
  /** Likewise towards better. */
  betterP: JsonNumber,
  /** Holm-adjusted across the run's metrics; a regression needs this ≤ alpha. */
  adjustedWorseP: JsonNumber,
  adjustedBetterP: JsonNumber,
  /** Run-to-run noise of one run's location, percent. */
  runNoisePct: JsonNumber,
  /**
   * Default-branch runs of this setup the noise was judged on: measured on them, or assumed
   * (`runNoiseAssumed`) because they are too few.
   */
  historyRuns: z.number().int().nonnegative(),
  runNoiseAssumed: z.boolean(),
  /** Share of one run's location variance that is run-to-run (between runs), 0–1; absent in old verdicts. */
  runNoiseShare: JsonNumber.optional(),
});
export type MetricEvidence = z.infer<typeof MetricEvidence>;

/**
 * Tier 2 for one metric: the paired A/B test on log(head / base) over the confirmation's pairs,
 * each run summarised by its Hodges–Lehmann location.
 */
export const MetricConfirmation = z.object({
  pairs: z.number().int().positive(),
  /**
   * "paired-yuen": Yuen's trimmed paired t (20 % cut from 10 pairs on; below 10, one pair cut from
   * each end when an end is a spike over 5 robust sds out), so one spiked pair cannot decide.
   */
  method: z.enum(["paired-t", "paired-yuen"]),
  /** (Trimmed) geometric-mean ratio head / base, in percent, with its interval at the test's level. */
  percent: JsonNumber,
  lowerPercent: JsonNumber,
  upperPercent: JsonNumber,
  worseP: JsonNumber,
  /** Holm-adjusted across the confirmed metrics. */
  adjustedWorseP: JsonNumber,
  /** What the screen (tier 1) had said before the confirmation decided. */
  screenOutcome: MetricOutcome,
  /** Family-wise level the pairs were decided at (Holm's adjusted p against it); absent in old verdicts. */
  level: JsonNumber.optional(),
});
export type MetricConfirmation = z.infer<typeof MetricConfirmation>;

export const MetricVerdict = z.object({
  key: z.string(),
  unit: z.string(),
  direction: Direction,
  /** Whether this metric can fail the check. */
  gated: z.boolean(),
  outcome: MetricOutcome,
  /** One line a person understands. */
  reason: z.string(),
  thresholdPct: z.number(),
  samples: z.object({ current: z.number(), baseline: z.number() }),
  change: MetricChange.nullable(),
  evidence: MetricEvidence.nullable().default(null),
  /** For inconclusive: samples per run that would likely decide; null when more samples cannot. */
  moreSamplesNeeded: z.number().nullable().default(null),
  /**
   * Minimum detectable effect of the screen at the current noise, percent (power 0.8 at the run's
   * alpha); null when the metric was not measured against the baseline, or in old verdicts.
   */
  mdePct: JsonNumber.nullable().default(null),
  /** Run-to-run noise dominates and the screen flagged it: only a paired confirmation may fail it. */
  needsConfirmation: z.boolean().default(false),
  /**
   * The screen sent it to A/B pairs only because its interval reached the threshold (no flag, no
   * lean worse): automatic pairs decide it at the stricter `straddleAlpha`. Absent: not so.
   */
  straddle: z.boolean().optional(),
  /** Tier 2's result for this metric, when it was confirmed. */
  confirmation: MetricConfirmation.nullable().default(null),
});
export type MetricVerdict = z.infer<typeof MetricVerdict>;

export const VerdictConclusion = z.enum(["failure", "neutral", "success"]);
export type VerdictConclusion = z.infer<typeof VerdictConclusion>;
export const VerdictKind = z.enum([
  "regressed",
  "validation_failed",
  "no_baseline",
  "invalid_input",
  "inconclusive",
  "ok",
]);
export type VerdictKind = z.infer<typeof VerdictKind>;

/** What one tier concluded. */
export const TierSummary = z.object({
  conclusion: VerdictConclusion,
  kind: VerdictKind,
  reason: z.string(),
});
export type TierSummary = z.infer<typeof TierSummary>;

export const VerdictTiers = z.object({
  /** Tier 1: this run against the default branch's history. */
  screen: TierSummary,
  /** Tier 2: the A/B/B/A pairs of merge-base and head, when the screen asked for them. */
  confirmation: TierSummary.extend({
    pairs: z.number().int().nonnegative(),
    metrics: z.array(z.string()),
  }).optional(),
});
export type VerdictTiers = z.infer<typeof VerdictTiers>;

export const Verdict = z.object({
  conclusion: VerdictConclusion,
  kind: VerdictKind,
  /** One line a person understands. */
  reason: z.string(),
  baseline: z.object({ runId: z.string(), commit: z.string().nullable() }).nullable(),
  metrics: z.array(MetricVerdict),
  /** Absent in verdicts archived before the two tiers. */
  tiers: VerdictTiers.optional(),
});
export type Verdict = z.infer<typeof Verdict>;

/** The archived verdict parsed, or a one-line reason naming the first bad field. */
export function checkVerdict(
  input: unknown,
): { ok: true; verdict: Verdict } | { ok: false; problem: string } {
  const parsed = Verdict.safeParse(input);
  if (parsed.success) return { ok: true, verdict: parsed.data };
  const first = parsed.error.issues[0];
  const where = first
    ? `${first.path.map(String).join(".") || "(root)"}: ${first.message}`
    : "unexpected shape";
  return { ok: false, problem: `not a verdict (${where})` };
}
