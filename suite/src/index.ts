export { runSuite, type SuiteRunInput, type SuiteRunOutput } from "./orchestrator/index.js";
export {
  ALL_COMPONENTS,
  FIXES,
  NO_BASELINE,
  type ComponentName,
  type SuiteReports,
  type ValidationResult,
  type ValidationCheck,
  type ComprehensiveResult,
  type CompareResult,
  type ModeMeasurement,
  type CommunicationResult,
} from "./results/index.js";
export { runValidation } from "./validation/index.js";
export { runComprehensive, concurrencyLevels } from "./comprehensive/index.js";
export { runCompare, compareModes } from "./compare/index.js";
export { runCommunication, type CommunicationOptions } from "./communication/index.js";
export { measureSerialization, type SerializationResult } from "./measure-serialization.js";
export {
  assessReadiness,
  THRESHOLDS,
  type ReadinessAssessment,
  type ReadinessInput,
} from "./assess-readiness.js";
export {
  measureRawRoundTrips,
  grpcOverhead,
  splitHostPort,
  RawRoundTripError,
  type OverheadCategory,
} from "./raw-tcp-round-trip.js";
export { createCommandLifecycle, type ClusterLifecycle } from "./cluster-lifecycle.js";
export {
  loadBaselineRun,
  compareWithBaseline,
  BaselineError,
  type BaselineDelta,
} from "./load-baseline.js";
export {
  resolveSuiteOptions,
  hashSuiteOptions,
  FULL_DEFAULTS,
  QUICK_DEFAULTS,
  type SuiteFlags,
  type SuiteOptions,
  type Target,
} from "./suite-options.js";
export { formatTimestamp, outputPaths, type OutputPaths } from "./output-paths.js";
export { waitForReady, type ReadinessWait } from "./wait-for-ready.js";
export { readHealth, type ReadHealthOptions } from "./read-health.js";
export {
  classifyHealth,
  classifyModelsAnswer,
  type HealthState,
  type HealthVerdict,
} from "./classify-health.js";
export {
  systemClock,
  silentProgress,
  type Clock,
  type ProgressReporter,
  type SuiteDeps,
} from "./deps.js";
export {
  ClusterUnreachableError,
  ClusterResponseError,
  ClusterCommandError,
  GrpcCallError,
  SuiteOptionsError,
} from "./errors.js";
