export { HistoryImportError } from "./history-import-error.js";
export {
  BenchmarkData,
  BenchmarkEntry,
  BenchmarkResult,
  parseBenchmarkData,
} from "./parse-benchmark-data.js";
export { inferDirection } from "./infer-direction.js";
export { estimateImportNoisePct } from "./estimate-import-noise.js";
export {
  importedFingerprint,
  type ImportPlan,
  type MetricReport,
  type PlannedRun,
} from "./import-plan.js";
export {
  IMPORT_REQUESTED_BY,
  IMPORT_TRIGGER,
  namespacedKey,
  planBenchmarkImport,
  type BenchmarkImportOptions,
  type DirectionOverride,
  type MetricMapping,
} from "./plan-benchmark-import.js";
export { planArchiveImport, type ArchiveImportOptions } from "./plan-archive-import.js";
export {
  writeImportPlan,
  type ImportOutcome,
  type ImportProgress,
  type WriteImportOptions,
} from "./write-import-plan.js";
export { formatImportSummary } from "./format-import-summary.js";
