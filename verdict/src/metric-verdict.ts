// The verdict's shapes are proto's zod schema (what is archived and read back); these types are
// derived from it, so the engine and every reader agree by construction.
export {
  METRIC_OUTCOMES,
  type MetricChange,
  type MetricConfirmation,
  type MetricEvidence,
  type MetricOutcome,
  type MetricVerdict,
  type TierSummary,
  type Verdict,
  type VerdictConclusion,
  type VerdictKind,
  type VerdictTiers,
} from "@mlxbench/proto";
