// The report archive (docs/archive-layout.md). Imported by the service's pages: keep it free of
// heavy modules (no canvas, no undici).
export {
  ArchiveStoreError,
  checkKey,
  type ArchiveStore,
  type ListOptions,
  type StoredObject,
} from "./archive-store.js";
export { createLocalArchiveStore } from "./local-archive-store.js";
export {
  createS3ArchiveStore,
  createS3Client,
  encodeTagging,
  type S3ClientOptions,
} from "./s3-archive-store.js";
export { PR_RUN_TAGS, tagsForRun } from "./run-tags.js";
export { contentTypeFor } from "./content-type.js";
export {
  baselineKey,
  baselinePrefix,
  checkSegment,
  indexKey,
  indexPrefix,
  invertTimestamp,
  parseIndexKey,
  repoPrefix,
  runKeys,
  runPrefix,
} from "./archive-keys.js";
export { RunConclusion, RunMeta } from "./run-meta.js";
export {
  archiveRun,
  DEFAULT_UPLOAD_RETRY,
  type ArchivedRun,
  type ArchiveRunInput,
  type RunArtifact,
} from "./archive-run.js";
export { archiveRunDurably, flushSpool, type DurableOutcome, type FlushResult } from "./spool.js";
export { listRuns, type ListRunsOptions, type RunFilter } from "./list-runs.js";
export {
  loadRun,
  loadRunResult,
  readBaselinePointer,
  ArchivedRunError,
  type LoadedRun,
} from "./load-run.js";
export { listBaselineCandidates, type BaselineCandidate } from "./baseline-candidates.js";
export { withRetry, type RetryOptions } from "./with-retry.js";
export * from "./import/index.js";
