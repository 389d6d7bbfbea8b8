import type { ServerResponse } from "node:http";
import type { ClusterState } from "../cluster-state.js";
import {
  GenerationAbortedError,
  type GenerationSummary,
  type TokenEvent,
} from "../engine/batch-engine.js";
import { nowMs } from "../engine/clock.js";
import type { GeneratedCompletion } from "../engine/generate-text.js";
import type { TokenTiming } from "../ground-truth.js";
import type { ChatCompletionRequest } from "./chat-request.js";
import { sendDetail } from "./respond.js";

// One completion in flight and the steps both answers (whole and streamed) share.

export interface Completion {
  id: string;
  created: number;
  request: ChatCompletionRequest;
  generated: GeneratedCompletion;
  promptTokens: number;
  timing: TokenTiming;
}

export function onGenerationFailed(res: ServerResponse, timing: TokenTiming, error: unknown): void {
  timing.completedAt = nowMs();
  if (timing.outcome === "in-progress") timing.outcome = "aborted";
  if (!(error instanceof GenerationAbortedError)) throw error;
  if (!res.headersSent) sendDetail(res, 503, `Generation aborted: ${error.message}`);
  else if (!res.writableEnded) res.end();
}

export function recordSummary(
  state: ClusterState,
  completion: Completion,
  summary: GenerationSummary,
): void {
  completion.timing.queuedMs = summary.admittedAt - summary.submittedAt;
  completion.timing.prefillMs = summary.prefillMs;
  state.stats.completions += 1;
  state.stats.inferenceMsTotal += nowMs() - completion.timing.receivedAt;
  state.stats.communicationMsTotal += summary.communicationMs;
}

export function usageOf(completion: Completion): object {
  const completionTokens = completion.generated.tokens.length;
  return {
    prompt_tokens: completion.promptTokens,
    completion_tokens: completionTokens,
    total_tokens: completion.promptTokens + completionTokens,
  };
}

export function fingerprint(state: ClusterState): string {
  return `fp_mlxsim_${state.devices.length}dev`;
}

export function recordGenerated(completion: Completion, event: TokenEvent): void {
  const text = completion.generated.tokens[event.index];
  if (text === undefined) return; // a completion cut to zero words by `stop` still runs one step
  completion.timing.tokens[event.index] = {
    index: event.index,
    text,
    generatedAt: event.at,
    writtenAt: Number.NaN,
    writeDoneAt: Number.NaN,
    chunk: -1,
    modelledMs: event.modelledMs,
  };
}

/** Waits out the server overhead, then generates the completion's tokens; both stop on abort. */
export async function generateAfterOverhead(
  state: ClusterState,
  completion: Completion,
  abort: AbortController,
  overheadMs: number,
  onToken: (event: TokenEvent) => void,
): Promise<GenerationSummary> {
  await state.clock.sleepUntil(state.clock.now() + overheadMs, abort.signal);
  return state.engine.generate(
    {
      promptTokens: completion.promptTokens,
      completionTokens: completion.generated.tokens.length,
      signal: abort.signal,
    },
    onToken,
  );
}
