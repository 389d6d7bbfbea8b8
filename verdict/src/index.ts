export type { ArchivedRunRef } from "./archived-run-ref.js";
export {
  chooseBaseline,
  type BaselineChoice,
  type ChooseBaselineInput,
  type NoBaselineWhy,
} from "./choose-baseline.js";
export {
  computeVerdict,
  type Verdict,
  type VerdictConclusion,
  type VerdictKind,
  type VerdictOptions,
} from "./compute-verdict.js";
export {
  describeIdentityField,
  diffFingerprintIdentity,
  IDENTITY_FIELDS,
  type IdentityField,
} from "./fingerprint-identity.js";
export {
  METRIC_OUTCOMES,
  type MetricChange,
  type MetricEvidence,
  type MetricOutcome,
  type MetricVerdict,
} from "./metric-verdict.js";
export {
  deriveVerdictConfig,
  parseVerdictConfig,
  readThresholdPct,
  VerdictConfig,
  VerdictConfigError,
} from "./verdict-config.js";
export { detectChangePoints } from "./stats/index.js";
