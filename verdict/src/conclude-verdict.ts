import type {
  MetricOutcome,
  MetricVerdict,
  TierSummary,
  Verdict,
  VerdictConclusion,
  VerdictKind,
} from "./metric-verdict.js";
import { formatChange } from "./format-change.js";

export function conclude(
  conclusion: VerdictConclusion,
  kind: VerdictKind,
  reason: string,
  baseline: Verdict["baseline"],
  metrics: MetricVerdict[],
): Verdict {
  return {
    conclusion,
    kind,
    reason,
    baseline,
    metrics,
    tiers: { screen: { conclusion, kind, reason } },
  };
}

/**
 * The check's conclusion from its metrics' outcomes: a gated regression (or a critical validation
 * failure) fails; a gated metric missing, invalid or inconclusive is neutral; otherwise success.
 */
export function concludeFromMetrics(
  metrics: readonly MetricVerdict[],
  validationReason: string | null,
): TierSummary {
  const gatedWith = (outcome: MetricOutcome): MetricVerdict[] =>
    metrics.filter((m) => m.gated && m.outcome === outcome);
  const regressed = gatedWith("regressed");
  const problems = metrics.filter(
    (m) =>
      m.gated &&
      (m.outcome === "missing" || m.outcome === "invalid" || m.outcome === "insufficient_samples"),
  );
  const inconclusive = gatedWith("inconclusive");
  const ungatedRegressed = metrics.filter((m) => !m.gated && m.outcome === "regressed");
  const notes = [
    ...(ungatedRegressed.length > 0 ? [`ungated: ${listMetrics(ungatedRegressed)}`] : []),
  ];

  if (validationReason !== null || regressed.length > 0) {
    const parts = [
      ...(validationReason !== null ? [validationReason] : []),
      ...(regressed.length > 0
        ? [`${count(regressed.length, "metric")} regressed: ${listMetrics(regressed)}`]
        : []),
      ...(problems.length > 0 ? [describeProblems(problems)] : []),
    ];
    const kind = validationReason !== null ? "validation_failed" : "regressed";
    return { conclusion: "failure", kind, reason: parts.join("; ") };
  }
  if (problems.length > 0) {
    const reason = [describeProblems(problems), ...notes].join("; ");
    return { conclusion: "neutral", kind: "invalid_input", reason };
  }
  if (inconclusive.length > 0) {
    const confirm = inconclusive.filter((m) => m.needsConfirmation);
    const parts = [
      `${count(inconclusive.length, "metric")} inconclusive: ${listMetrics(inconclusive)}`,
      ...(confirm.length > 0
        ? [
            `run-to-run noise dominates ${confirm.map((m) => m.key).join(", ")}: a paired A/B run decides`,
          ]
        : []),
      ...notes,
    ];
    return { conclusion: "neutral", kind: "inconclusive", reason: parts.join("; ") };
  }
  const compared = metrics.filter((m) => m.change !== null || m.confirmation !== null);
  if (compared.length === 0) {
    return {
      conclusion: "neutral",
      kind: "invalid_input",
      reason: "no metric could be compared with the baseline",
    };
  }
  const improved = metrics.filter((m) => m.outcome === "improved");
  const skipped = metrics.filter((m) => m.change === null && m.confirmation === null);
  const parts = [
    `no regression in ${count(compared.length, "metric")}`,
    ...(improved.length > 0 ? [`${improved.length} improved: ${listMetrics(improved)}`] : []),
    ...(skipped.length > 0
      ? [`not compared: ${skipped.map((m) => `${m.key} (${m.outcome})`).join(", ")}`]
      : []),
    ...notes,
  ];
  return { conclusion: "success", kind: "ok", reason: parts.join("; ") };
}

function listMetrics(metrics: readonly MetricVerdict[]): string {
  return metrics.map((m) => `${m.key} ${formatChange(m)}`).join(", ");
}

function describeProblems(problems: readonly MetricVerdict[]): string {
  return problems.map((m) => m.reason).join("; ");
}

export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}
