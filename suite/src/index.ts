export {
  runSuite,
  ALL_COMPONENTS,
  type ComponentName,
  type SuiteReports,
  type SuiteRunInput,
  type SuiteRunOutput,
} from "./run-suite.js";
export {
  runValidation,
  FIXES,
  type ValidationResult,
  type ValidationCheck,
} from "./run-validation.js";
export {
  runComprehensive,
  concurrencyLevels,
  type ComprehensiveResult,
} from "./run-comprehensive.js";
export {
  runCompare,
  compareModes,
  NO_BASELINE,
  type CompareResult,
  type ModeMeasurement,
} from "./run-compare.js";
export {
  runCommunication,
  type CommunicationResult,
  type CommunicationOptions,
} from "./run-communication.js";
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
