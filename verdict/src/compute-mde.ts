import { studentTQuantile } from "./stats/index.js";
import type { MetricVerdict } from "./metric-verdict.js";
import { toPercent } from "./format-change.js";

export interface MdeInput {
  /** Variance of one run's location on the log scale (run-to-run part plus sampling part). */
  runVariance: number;
  /** Runs whose mean is the branch's level (their mean's own noise adds 1/levelRuns). */
  levelRuns: number;
  /** Degrees of freedom of the noise estimate; Infinity when the noise is assumed. */
  df: number;
  /** One-sided level the change must pass (the first Holm step: alpha / metrics). */
  alpha: number;
  power: number;
}

/**
 * Minimum detectable effect of the screen, percent: the smallest worsening that the test of this
 * run's location against the branch's level detects with probability `power` at level `alpha`,
 * (t₁₋α + t_power) · √(runVariance · (1 + 1/levelRuns)). Null for input that has no meaning.
 */
export function computeMdePct(input: MdeInput): number | null {
  const { runVariance, levelRuns, df, alpha, power } = input;
  const valid =
    Number.isFinite(runVariance) &&
    runVariance >= 0 &&
    levelRuns >= 1 &&
    df > 0 &&
    alpha > 0 &&
    alpha < 1 &&
    power > 0 &&
    power < 1;
  if (!valid) return null;
  const se = Math.sqrt(runVariance * (1 + 1 / levelRuns));
  const z = studentTQuantile(1 - alpha, df) + studentTQuantile(power, df);
  return toPercent(z * se);
}

/** "inference.ttft_ms: changes under 7 % cannot be told from noise on this cluster". */
export function describeMde(mv: Pick<MetricVerdict, "key" | "mdePct">): string {
  if (mv.mdePct === null || !Number.isFinite(mv.mdePct))
    return `${mv.key}: no minimum detectable effect (not measured against the baseline)`;
  return `${mv.key}: changes under ${formatMde(mv.mdePct)} % cannot be told from noise on this cluster`;
}

/** One significant figure below 1 %, one decimal below 10 %, whole percent above: "0.8", "3.4", "12". */
export function formatMde(pct: number): string {
  if (pct >= 10) return pct.toFixed(0);
  if (pct >= 1) return pct.toFixed(1);
  return pct.toPrecision(1);
}
