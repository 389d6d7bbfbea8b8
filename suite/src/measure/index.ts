export { DEFAULT_PROMPTS, type PromptSpec } from "./prompt-spec.js";
export {
  ERROR_CLASSES,
  type ChunkRecord,
  type ErrorClass,
  type RequestError,
  type RequestRecord,
  type UsageRecord,
} from "./request-record.js";
export { InvalidMeasureOptionsError } from "./errors.js";
export { summarize, percentile, type Stats } from "./summarize.js";
export { estimateTokens, countChunkTokens, apportion } from "./estimate-tokens.js";
export { SseEventParser } from "./sse-event-parser.js";
export {
  sendChatCompletion,
  resolveReadIn,
  type ReadIn,
  type SendChatCompletionOptions,
} from "./send-chat-completion.js";
export { ReaderThread, ReaderThreadError } from "./reader-thread.js";
export {
  computeLoadMetrics,
  e2eOf,
  pushItlSamples,
  tpotOf,
  ttftOf,
  type LoadMetrics,
  type Slo,
} from "./compute-load-metrics.js";
export { runLoad, type LoadDeps, type LoadOptions, type LoadResult } from "./run-load.js";
export { planArrivals, createRandom } from "./arrival-schedule.js";
export {
  assessCalibration,
  startEventLoopMonitor,
  CLIENT_LIMITS,
  type CalibrationInput,
  type ClientCalibration,
  type EventLoopMonitor,
} from "./client-calibration.js";
export {
  startResourceSampler,
  type PeakAverage,
  type ResourceSampler,
  type ResourceSamplerOptions,
  type ResourceSummary,
} from "./resource-sampler.js";
export { discoverModel } from "./discover-model.js";
export { epochNow } from "./epoch-now.js";
