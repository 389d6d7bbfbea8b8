import type { ServerResponse } from "node:http";
import { firstDownDevice, type ClusterState } from "../cluster-state.js";
import { GenerationAbortedError, type GenerationSummary } from "../engine/batch-engine.js";
import { nowMs } from "../engine/clock.js";
import { estimatePromptTokens, generateCompletion } from "../engine/generate-text.js";
import { requestOverheadMs } from "../engine/timing-model.js";
import type { TokenTiming } from "../ground-truth.js";
import { ChatRequestError, parseChatRequest, type ChatCompletionRequest } from "./chat-request.js";
import {
  fingerprint,
  generateAfterOverhead,
  onGenerationFailed,
  recordGenerated,
  recordSummary,
  usageOf,
  type Completion,
} from "./completion.js";
import { sendDetail, sendJson } from "./respond.js";
import { SseWriter } from "./sse-writer.js";

/** POST /v1/chat/completions, after the body was read and parsed. */
export async function handleChatCompletion(
  state: ClusterState,
  res: ServerResponse,
  body: unknown,
  receivedAt: number,
): Promise<void> {
  let request: ChatCompletionRequest;
  try {
    request = parseChatRequest(body);
  } catch (error) {
    if (error instanceof ChatRequestError) return sendDetail(res, 400, error.message);
    throw error;
  }
  const faults = state.faults.get();
  if (faults.initializing)
    return sendDetail(res, 503, "Model not initialized; the cluster is still loading");
  if (request.stream && !faults.streaming) {
    return sendDetail(res, 501, "Streaming is not supported; send stream: false");
  }
  // drawn for every request, so the error pattern under a seed does not depend on other faults
  if (state.faultRandom.next() < faults.errorRate) {
    state.stats.failures += 1;
    return sendDetail(
      res,
      500,
      `Generation failed: injected error (error rate ${faults.errorRate})`,
    );
  }
  const down = firstDownDevice(state);
  if (down) {
    state.stats.failures += 1;
    return sendDetail(
      res,
      500,
      `Distributed inference failed: device ${down.deviceId} (rank ${down.rank}) is unreachable at ${down.host}:${down.port}`,
    );
  }

  const contents = request.messages.map((m) => m.content);
  const prompt = request.messages.map((m) => `${m.role}: ${m.content}`).join("\n");
  const stop =
    request.stop == null ? [] : typeof request.stop === "string" ? [request.stop] : request.stop;
  const generated = generateCompletion({
    seed: state.seed,
    prompt,
    maxTokens: request.max_tokens,
    stop,
  });
  const overheadMs = requestOverheadMs(state.timing) * faults.slowdown;
  const id = state.nextCompletionId();
  const completion: Completion = {
    id,
    created: Math.floor(Date.now() / 1000),
    request,
    generated,
    promptTokens: estimatePromptTokens(contents),
    timing: state.groundTruth.begin({
      completionId: id,
      stream: request.stream,
      receivedAt,
      overheadMs,
      queuedMs: 0,
      prefillMs: 0,
      tokens: [],
      outcome: "in-progress",
    }),
  };

  const abort = new AbortController();
  res.on("close", () => {
    if (!res.writableFinished) abort.abort(new GenerationAbortedError("the client went away"));
  });
  const respond = request.stream ? streamCompletion : answerCompletion;
  await respond(state, res, completion, abort, overheadMs);
}

async function answerCompletion(
  state: ClusterState,
  res: ServerResponse,
  completion: Completion,
  abort: AbortController,
  overheadMs: number,
): Promise<void> {
  const { timing, generated } = completion;
  let summary: GenerationSummary;
  try {
    summary = await generateAfterOverhead(state, completion, abort, overheadMs, (event) =>
      recordGenerated(completion, event),
    );
  } catch (error) {
    return onGenerationFailed(res, timing, error);
  }
  recordSummary(state, completion, summary);
  const body = JSON.stringify({
    id: completion.id,
    object: "chat.completion",
    created: completion.created,
    model: state.modelName,
    choices: [
      {
        index: 0,
        message: { role: "assistant", content: generated.tokens.join(" ") },
        finish_reason: generated.finishReason,
      },
    ],
    usage: usageOf(completion),
    system_fingerprint: fingerprint(state),
  });
  const malformed = state.faults.malformed;
  const startedAt = nowMs();
  if (malformed === "broken-json") {
    // well framed, does not parse: the tail of the object is missing
    const broken = body.slice(0, Math.floor(body.length * 0.6));
    res.writeHead(200, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(broken),
    });
    res.end(broken);
    markWritten(timing, "malformed", startedAt);
  } else if (malformed === "truncated") {
    // promises the whole body, delivers half of it, then closes the connection
    const bytes = Buffer.from(body);
    res.writeHead(200, { "content-type": "application/json", "content-length": bytes.length });
    res.write(bytes.subarray(0, Math.floor(bytes.length / 2)));
    res.socket?.end();
    markWritten(timing, "cut-off", startedAt);
  } else {
    sendJson(res, 200, JSON.parse(body));
    markWritten(timing, "complete", startedAt);
  }
}

/** A non-streamed body: res.end writes it through (it uncorks), so its return is the hand-off. */
function markWritten(
  timing: TokenTiming,
  outcome: TokenTiming["outcome"],
  startedAt: number,
): void {
  const at = nowMs();
  for (const token of timing.tokens) {
    token.writtenAt = startedAt;
    token.writeDoneAt = at;
    token.chunk = 0;
  }
  timing.completedAt = at;
  timing.outcome = outcome;
}

/** The SSE response: keep-alive comment, role chunk, content chunks of one or more tokens, final chunk, usage, [DONE]. */
async function streamCompletion(
  state: ClusterState,
  res: ServerResponse,
  completion: Completion,
  abort: AbortController,
  overheadMs: number,
): Promise<void> {
  const writer = new SseWriter(state, res, completion, abort);
  writer.start();
  let summary: GenerationSummary;
  try {
    summary = await generateAfterOverhead(state, completion, abort, overheadMs, (event) =>
      writer.onToken(event),
    );
  } catch (error) {
    if (writer.cutOff) return;
    return onGenerationFailed(res, completion.timing, error);
  }
  recordSummary(state, completion, summary);
  await writer.finish();
}
