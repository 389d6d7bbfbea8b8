export {
  DEFAULT_TIMING,
  clusterBatchLimit,
  decodeStepCost,
  prefillCost,
  prefillStepCost,
  hopMs,
  stageMs,
  forwardShardMs,
  requestOverheadMs,
  shardLayers,
  splitEvenly,
  validateTimingModel,
  type TimingModel,
  type StepCost,
} from "./timing-model.js";
export {
  BatchEngine,
  GenerationAbortedError,
  type BatchEngineOptions,
  type EngineStats,
  type GenerationRequest,
  type GenerationSummary,
  type TokenEvent,
} from "./batch-engine.js";
export { systemClock, createVirtualClock, nowMs, type Clock, type VirtualClock } from "./clock.js";
export { createRandom, hashSeed, drawLogNormalFactor, type Random } from "./random.js";
export {
  generateCompletion,
  estimatePromptTokens,
  type GeneratedCompletion,
  type GenerateOptions,
} from "./generate-text.js";
