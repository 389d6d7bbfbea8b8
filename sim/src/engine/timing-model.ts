/**
 * The sim's cost model of pipeline-parallel LLM inference: the model's layers are split evenly over
 * the devices, a token's activations cross every device in turn (one hop between consecutive
 * devices, plus the hop back to the coordinator that samples the next token), and decoding is
 * continuously batched. All figures are in ms and already multiplied by `timeScale`.
 */
export interface TimingModel {
  /** Decode cost of one token of one sequence through the whole model on one device (ms at timeScale 1). */
  decodeMsPerToken: number;
  /** Prefill cost per prompt token through the whole model (ms at timeScale 1). */
  prefillMsPerToken: number;
  /** Each extra sequence in a micro-batch adds this fraction of the one-sequence cost. */
  batchCostGrowth: number;
  /**
   * Continuous batching: at most this many sequences per device decode together; the rest queue.
   * Per device, because each device of a pipeline holds only its share of the layers and so of
   * the KV cache: three devices keep three micro-batches of this size in flight (see clusterBatchLimit).
   */
  maxBatchSize: number;
  /** Fixed latency of one hop between devices (gRPC call + network), ms at timeScale 1. */
  hopLatencyMs: number;
  /** Link bandwidth between devices, Gbit/s (bytes cost time at timeScale 1 too). */
  linkBandwidthGbps: number;
  /** Activation bytes per token crossing a hop (hidden size 4096 × 2 bytes of float16). */
  activationBytesPerToken: number;
  /** Per-request cost at the coordinator (HTTP, chat template, tokenizer), ms at timeScale 1. */
  requestOverheadMs: number;
  /** Layers of the model, split evenly across the devices. */
  numLayers: number;
  /**
   * Multiplies every duration. The unscaled figures are those of an 8B 4-bit model on Mac-mini-class
   * Apple Silicon over a Thunderbolt/10 GbE link; the default 0.1 runs the sim ten times faster so a
   * short completion takes tens of ms in tests. Ratios (scaling, slowdown) do not depend on it.
   */
  timeScale: number;
}

export const DEFAULT_TIMING: TimingModel = {
  decodeMsPerToken: 25,
  prefillMsPerToken: 1,
  batchCostGrowth: 0.3,
  maxBatchSize: 8,
  hopLatencyMs: 1,
  linkBandwidthGbps: 10,
  activationBytesPerToken: 8192,
  requestOverheadMs: 2,
  numLayers: 32,
  timeScale: 0.1,
};

/**
 * Sequences the whole cluster decodes at once: one micro-batch of maxBatchSize per device. With a
 * cluster-wide limit instead, three devices split the one device's batch into three smaller
 * micro-batches, lose the batching gain, and top out at 1.8× at concurrency 8 (60 % scaling
 * efficiency) however healthy the cluster: a pipeline only pays off with every stage full.
 */
export function clusterBatchLimit(model: TimingModel, devices: number): number {
  return model.maxBatchSize * Math.max(1, devices);
}

/** Splits `total` into `parts` near-equal integers, larger ones first (micro-batches, layer shards). */
export function splitEvenly(total: number, parts: number): number[] {
  const base = Math.floor(total / parts);
  const extra = total % parts;
  return Array.from({ length: parts }, (_, i) => base + (i < extra ? 1 : 0));
}

/** The [start, end) layer range a rank holds. */
export function shardLayers(
  model: TimingModel,
  devices: number,
  rank: number,
): { start: number; end: number } {
  const sizes = splitEvenly(model.numLayers, devices);
  const start = sizes.slice(0, rank).reduce((a, b) => a + b, 0);
  return { start, end: start + (sizes[rank] ?? 0) };
}

/** One hop carrying `tokens` tokens' activations. */
export function hopMs(model: TimingModel, tokens: number): number {
  const bytesPerMs = (model.linkBandwidthGbps * 1e9) / 8 / 1000;
  return (
    (model.hopLatencyMs + (tokens * model.activationBytesPerToken) / bytesPerMs) * model.timeScale
  );
}

/** Hops a token makes per pass: device to device, and back to the coordinator; none on one device. */
function hopsPerPass(devices: number): number {
  return devices > 1 ? devices : 0;
}

/** One device running its shard of the layers for a micro-batch of `batch` sequences. */
export function stageMs(model: TimingModel, devices: number, batch: number): number {
  return (
    (model.decodeMsPerToken / devices) * (1 + model.batchCostGrowth * (batch - 1)) * model.timeScale
  );
}

export interface StepCost {
  /** Modelled duration of the step, before noise and slowdown. */
  totalMs: number;
  /** The part spent in hops between devices. */
  communicationMs: number;
}

/**
 * One decode step: every active sequence gains one token. The batch is cut into up to `devices`
 * micro-batches that flow through the pipeline together. The step lasts as long as the slower of
 * one micro-batch's round trip (all stages plus all hops) and the busiest device's work (a stage
 * per micro-batch). So one sequence never gets faster with more devices (it pays the hops), while
 * a full batch does, less than linearly: micro-batches are smaller but each costs more per sequence.
 */
export function decodeStepCost(model: TimingModel, devices: number, batchSize: number): StepCost {
  if (batchSize <= 0) return { totalMs: 0, communicationMs: 0 };
  const microBatches = splitEvenly(batchSize, Math.min(devices, batchSize));
  const largest = microBatches[0] ?? batchSize;
  const communicationMs = hopsPerPass(devices) * hopMs(model, largest);
  const roundTripMs = devices * stageMs(model, devices, largest) + communicationMs;
  const busiestDeviceMs = microBatches.reduce((sum, b) => sum + stageMs(model, devices, b), 0);
  return { totalMs: Math.max(roundTripMs, busiestDeviceMs), communicationMs };
}

/** Prefill of one prompt: every layer over all prompt tokens, then the activations cross every hop. */
export function prefillCost(model: TimingModel, devices: number, promptTokens: number): StepCost {
  const computeMs = promptTokens * model.prefillMsPerToken * model.timeScale;
  const communicationMs = hopsPerPass(devices) * hopMs(model, promptTokens);
  return { totalMs: computeMs + communicationMs, communicationMs };
}

/**
 * The prefills admitted in one step, through the pipeline together: each device runs its share of
 * the layers over each prompt in turn, so the prompts follow one another through the stages as
 * decode micro-batches do. The busiest device does 1/devices of every prompt; the last prompt
 * leaves the last stage (devices − 1) stage-times after the first one entered, and each prompt
 * pays the hops. One prompt costs exactly `prefillCost`; on one device the prompts add up.
 * Charging every device the whole of every prompt (no pipelining) held a 3-device cluster at
 * ~2× one device on short completions however healthy it was: it admits three times the prompts.
 */
export function prefillStepCost(
  model: TimingModel,
  devices: number,
  promptTokens: readonly number[],
): StepCost {
  if (promptTokens.length === 0) return { totalMs: 0, communicationMs: 0 };
  const computeMs = promptTokens.map((t) => t * model.prefillMsPerToken * model.timeScale);
  const sum = computeMs.reduce((a, b) => a + b, 0);
  const largest = Math.max(...computeMs);
  const largestPrompt = Math.max(...promptTokens);
  const communicationMs = hopsPerPass(devices) * hopMs(model, largestPrompt);
  const pipelinedMs = sum / devices + ((devices - 1) / devices) * largest;
  return { totalMs: pipelinedMs + communicationMs, communicationMs };
}

/** One device's shard applied to `tokens` tokens (gRPC Forward / ForwardPass), for `layers` layers. */
export function forwardShardMs(model: TimingModel, tokens: number, layers: number): number {
  const perLayer =
    (tokens > 1 ? tokens * model.prefillMsPerToken : model.decodeMsPerToken) / model.numLayers;
  return perLayer * layers * model.timeScale;
}

export function requestOverheadMs(model: TimingModel): number {
  return model.requestOverheadMs * model.timeScale;
}

/** Checks a timing model so a bad option fails at start with the field's name. */
export function validateTimingModel(model: TimingModel): TimingModel {
  for (const [key, value] of Object.entries(model)) {
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
      throw new RangeError(`timing.${key} must be a finite number ≥ 0, got ${String(value)}`);
    }
  }
  if (!Number.isInteger(model.maxBatchSize) || model.maxBatchSize < 1) {
    throw new RangeError(`timing.maxBatchSize must be an integer ≥ 1, got ${model.maxBatchSize}`);
  }
  if (!Number.isInteger(model.numLayers) || model.numLayers < 1) {
    throw new RangeError(`timing.numLayers must be an integer ≥ 1, got ${model.numLayers}`);
  }
  if (model.linkBandwidthGbps <= 0) {
    throw new RangeError(`timing.linkBandwidthGbps must be > 0, got ${model.linkBandwidthGbps}`);
  }
  return model;
}
