import { computeMedian } from "@mlxbench/verdict/stats";
import { finiteOrNull } from "../metric.js";
import type { ComparisonFigures, ModeMeasurement } from "../results/index.js";

/** Improvement, latency factor, scaling efficiency and cost effectiveness; null where unmeasured. */
export function compareModes(
  d: ModeMeasurement | null,
  s: ModeMeasurement | null,
): ComparisonFigures {
  const none: ComparisonFigures = {
    throughputImprovement: null,
    latencyFactor: null,
    scalingEfficiencyPct: null,
    costEffectiveness: null,
  };
  if (!d || !s) return none;
  const dt = finiteOrNull(computeMedian(d.outputTokensPerS));
  const st = finiteOrNull(computeMedian(s.outputTokensPerS));
  const de = finiteOrNull(computeMedian(d.e2eMs));
  const se = finiteOrNull(computeMedian(s.e2eMs));
  const improvement = dt !== null && st !== null && st > 0 ? dt / st : null;
  return {
    throughputImprovement: improvement,
    latencyFactor: de !== null && se !== null && se > 0 ? de / se : null,
    scalingEfficiencyPct:
      improvement !== null && d.deviceCount ? (improvement / d.deviceCount) * 100 : null,
    costEffectiveness:
      d.tokensPerCurrency !== null && s.tokensPerCurrency !== null && s.tokensPerCurrency > 0
        ? d.tokensPerCurrency / s.tokensPerCurrency
        : null,
  };
}
