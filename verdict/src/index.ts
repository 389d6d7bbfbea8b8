export type { ArchivedRunRef } from "./archived-run-ref.js";
export {
  chooseBaseline,
  type BaselineChoice,
  type ChooseBaselineInput,
  type NoBaselineWhy,
} from "./choose-baseline.js";
export { computeVerdict, type VerdictOptions } from "./compute-verdict.js";
export { computeMdePct, describeMde, formatMde, type MdeInput } from "./compute-mde.js";
export {
  decideNextStep,
  deriveNextStepOptions,
  MIN_CONFIRM_PAIRS,
  sizePairs,
  computePairedMde,
  type NextStep,
  type NextStepOptions,
  type ConfirmMode,
} from "./decide-next-step.js";
export {
  escalateCloseCalls,
  type Escalated,
  type EscalationIo,
  type EscalationOptions,
} from "./escalate-close-calls.js";
export { formatChange, formatScreenChange } from "./format-change.js";
export {
  CHANGE_LABELS,
  decidingInterval,
  describeChange,
  formatChangeWithWay,
  formatInterval,
  formatThreshold,
  type ChangeDescription,
  type ChangeLabel,
  type DecidingInterval,
} from "./describe-change.js";
export {
  rankMetrics,
  summarizeVerdict,
  type DescribedMetric,
  type VerdictSummary,
} from "./summarize-verdict.js";
export {
  collectPairs,
  confirmLevelOf,
  judgePairs,
  type JudgePairsOptions,
  type RunPair,
} from "./judge-pairs.js";
export {
  describeIdentityField,
  diffFingerprintIdentity,
  IDENTITY_FIELDS,
  type IdentityField,
} from "./fingerprint-identity.js";
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
} from "./metric-verdict.js";
export {
  deriveVerdictConfig,
  parseVerdictConfig,
  readThresholdPct,
  VerdictConfig,
  VerdictConfigError,
} from "./verdict-config.js";
export {
  detectChangePoints,
  MIN_TRIM_PAIRS,
  PairedInputError,
  testPairedLogRatio,
  type PairedLogRatio,
  type ValuePair,
} from "./stats/index.js";
