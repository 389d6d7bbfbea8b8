import type { Clock } from "./clock.js";
import { drawLogNormalFactor, type Random } from "./random.js";
import {
  clusterBatchLimit,
  decodeStepCost,
  prefillCost,
  prefillStepCost,
  type TimingModel,
} from "./timing-model.js";

export interface GenerationRequest {
  promptTokens: number;
  /** Tokens to generate (≥ 1); the caller decided where the text ends. */
  completionTokens: number;
  /** Aborting drops the sequence from the batch at the next step (client went away). */
  signal?: AbortSignal;
}

export interface TokenEvent {
  index: number;
  /** Clock time the token came out of the model. */
  at: number;
  /** Modelled duration of the step that produced it (noise and slowdown applied; the first includes prefill). */
  modelledMs: number;
}

export interface GenerationSummary {
  /** Clock time the request joined the queue, and the time it was admitted into the batch. */
  submittedAt: number;
  admittedAt: number;
  /** Modelled prefill of this request (noise and slowdown applied). */
  prefillMs: number;
  /** Modelled hop time of this request's steps, summed. */
  communicationMs: number;
  tokens: TokenEvent[];
}

export interface BatchEngineOptions {
  clock: Clock;
  model: TimingModel;
  devices: number;
  random: Random;
  /** Read at every step, so faults set at run time apply to the next step. */
  noiseCv: () => number;
  slowdown: () => number;
}

interface Sequence {
  request: GenerationRequest;
  onToken: (event: TokenEvent) => void;
  summary: GenerationSummary;
  resolve: (summary: GenerationSummary) => void;
  reject: (error: Error) => void;
}

export class GenerationAbortedError extends Error {
  override name = "GenerationAbortedError";
}

export interface EngineStats {
  tokensGenerated: number;
  steps: number;
  /** Modelled time spent stepping; busy / wall time is the utilisation. */
  busyMs: number;
  communicationMs: number;
}

/**
 * Continuous batching over the pipeline: each step admits waiting sequences up to the batch limit
 * (their prefills, pipelined through the stages, lengthen that step, as in engines without chunked
 * prefill), then every active
 * sequence gains one token. Steps are scheduled on absolute clock targets, so timer lateness never
 * accumulates into the modelled rate.
 */
export class BatchEngine {
  private readonly waiting: Sequence[] = [];
  private readonly active: Sequence[] = [];
  private running = false;
  private readonly stopController = new AbortController();
  readonly stats: EngineStats = { tokensGenerated: 0, steps: 0, busyMs: 0, communicationMs: 0 };

  constructor(private readonly opts: BatchEngineOptions) {}

  /** Generates `completionTokens` tokens, calling `onToken` as each comes out; resolves when the last has. */
  generate(
    request: GenerationRequest,
    onToken: (event: TokenEvent) => void,
  ): Promise<GenerationSummary> {
    if (this.stopController.signal.aborted) {
      return Promise.reject(new GenerationAbortedError("the engine is stopped"));
    }
    return new Promise<GenerationSummary>((resolve, reject) => {
      const now = this.opts.clock.now();
      this.waiting.push({
        request: {
          ...request,
          completionTokens: Math.max(1, Math.floor(request.completionTokens)),
        },
        onToken,
        summary: {
          submittedAt: now,
          admittedAt: now,
          prefillMs: 0,
          communicationMs: 0,
          tokens: [],
        },
        resolve,
        reject,
      });
      if (!this.running) {
        // start on a microtask: requests submitted in the same tick join the same first step
        this.running = true;
        queueMicrotask(() => void this.run());
      }
    });
  }

  /** Fails every queued and active sequence and refuses new ones. */
  stop(): void {
    this.stopController.abort(new GenerationAbortedError("the engine stopped"));
    for (const seq of [...this.waiting.splice(0), ...this.active.splice(0)]) {
      seq.reject(new GenerationAbortedError("the engine stopped"));
    }
  }

  private async run(): Promise<void> {
    const { clock, model, devices, random } = this.opts;
    let target = clock.now();
    const batchLimit = clusterBatchLimit(model, devices);
    try {
      while (this.waiting.length > 0 || this.active.length > 0) {
        this.dropAborted();
        const admitted: Sequence[] = [];
        while (this.active.length < batchLimit && this.waiting.length > 0) {
          const seq = this.waiting.shift();
          if (!seq) break;
          seq.summary.admittedAt = clock.now();
          this.active.push(seq);
          admitted.push(seq);
        }
        if (this.active.length === 0) continue;

        const factor = drawLogNormalFactor(random, this.opts.noiseCv()) * this.opts.slowdown();
        const decode = decodeStepCost(model, devices, this.active.length);
        let stepMs = decode.totalMs * factor;
        let communicationMs = decode.communicationMs * factor;
        for (const seq of admitted) {
          const prefill = prefillCost(model, devices, seq.request.promptTokens);
          seq.summary.prefillMs = prefill.totalMs * factor;
          seq.summary.communicationMs += prefill.communicationMs * factor;
        }
        // The admitted prompts flow through the pipeline's stages one after another.
        const prefills = prefillStepCost(
          model,
          devices,
          admitted.map((seq) => seq.request.promptTokens),
        );
        stepMs += prefills.totalMs * factor;
        communicationMs += prefills.communicationMs * factor;

        target += stepMs;
        await clock.sleepUntil(target, this.stopController.signal);
        this.stats.steps += 1;
        this.stats.busyMs += stepMs;
        this.stats.communicationMs += communicationMs;

        const at = clock.now();
        for (const seq of [...this.active]) {
          const event: TokenEvent = { index: seq.summary.tokens.length, at, modelledMs: stepMs };
          seq.summary.tokens.push(event);
          seq.summary.communicationMs += decode.communicationMs * factor;
          this.stats.tokensGenerated += 1;
          try {
            seq.onToken(event);
          } catch (error) {
            // a failing consumer (socket gone) loses its sequence, never the batch
            this.active.splice(this.active.indexOf(seq), 1);
            seq.reject(error instanceof Error ? error : new Error(String(error)));
            continue;
          }
          if (seq.summary.tokens.length >= seq.request.completionTokens) {
            this.active.splice(this.active.indexOf(seq), 1);
            seq.resolve(seq.summary);
          }
        }
        if (this.waiting.length === 0 && this.active.length === 0) break;
      }
    } catch (error) {
      // only the stop signal interrupts a sleep; stop() already failed every sequence
      if (!(error instanceof GenerationAbortedError)) throw error;
    } finally {
      this.running = false;
    }
  }

  private dropAborted(): void {
    for (const list of [this.waiting, this.active]) {
      for (let i = list.length - 1; i >= 0; i--) {
        const seq = list[i];
        if (seq?.request.signal?.aborted) {
          list.splice(i, 1);
          seq.reject(new GenerationAbortedError("the client went away"));
        }
      }
    }
  }

  /** Sequences decoding now and waiting for a slot. */
  load(): { active: number; waiting: number } {
    return { active: this.active.length, waiting: this.waiting.length };
  }
}
