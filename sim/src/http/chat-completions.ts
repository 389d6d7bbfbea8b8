import type { ServerResponse } from "node:http";
import { firstDownDevice, type ClusterState } from "../cluster-state.js";
import {
  GenerationAbortedError,
  type GenerationSummary,
  type TokenEvent,
} from "../engine/batch-engine.js";
import { nowMs } from "../engine/clock.js";
import {
  estimatePromptTokens,
  generateCompletion,
  type GeneratedCompletion,
} from "../engine/generate-text.js";
import { createRandom, hashSeed, type Random } from "../engine/random.js";
import { requestOverheadMs } from "../engine/timing-model.js";
import type { Faults } from "../faults.js";
import type { TokenTiming } from "../ground-truth.js";
import { ChatRequestError, parseChatRequest, type ChatCompletionRequest } from "./chat-request.js";
import { sendDetail, sendJson } from "./respond.js";
import { writeThrough } from "./write-through.js";

/** Share of tokens held back and sent with the next one, so some chunks carry several tokens. */
const COALESCE_PROBABILITY = 0.3;

interface Completion {
  id: string;
  created: number;
  request: ChatCompletionRequest;
  generated: GeneratedCompletion;
  promptTokens: number;
  timing: TokenTiming;
}

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

function onGenerationFailed(res: ServerResponse, timing: TokenTiming, error: unknown): void {
  timing.completedAt = nowMs();
  if (timing.outcome === "in-progress") timing.outcome = "aborted";
  if (!(error instanceof GenerationAbortedError)) throw error;
  if (!res.headersSent) sendDetail(res, 503, `Generation aborted: ${error.message}`);
  else if (!res.writableEnded) res.end();
}

function recordSummary(
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

function usageOf(completion: Completion): object {
  const completionTokens = completion.generated.tokens.length;
  return {
    prompt_tokens: completion.promptTokens,
    completion_tokens: completionTokens,
    total_tokens: completion.promptTokens + completionTokens,
  };
}

function fingerprint(state: ClusterState): string {
  return `fp_mlxsim_${state.devices.length}dev`;
}

function recordGenerated(completion: Completion, event: TokenEvent): void {
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
async function generateAfterOverhead(
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

class SseWriter {
  private readonly pending: number[] = [];
  private written = 0;
  /** Content chunks written so far. */
  private chunks = 0;
  private blockedUntil = 0;
  private stalled = false;
  private flushScheduled = false;
  private broke = false;
  cutOff = false;
  private readonly chunkRandom: Random;
  private readonly faults: Faults;
  private readonly half: number;

  constructor(
    private readonly state: ClusterState,
    private readonly res: ServerResponse,
    private readonly completion: Completion,
    private readonly abort: AbortController,
  ) {
    this.chunkRandom = createRandom(hashSeed(state.seed, "chunks", completion.id));
    this.faults = state.faults.get();
    this.half = Math.max(1, Math.floor(completion.generated.tokens.length / 2));
  }

  private chunk(delta: object, finishReason: string | null): string {
    const c = this.completion;
    return JSON.stringify({
      id: c.id,
      object: "chat.completion.chunk",
      created: c.created,
      model: this.state.modelName,
      system_fingerprint: fingerprint(this.state),
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    });
  }

  start(): void {
    this.res.socket?.setNoDelay(true);
    this.res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    });
    // a comment line first: clients must skip them, as other servers send them as keep-alives
    this.res.write(": keep-alive\n\n");
    const { timing } = this.completion;
    writeThrough(this.res, `data: ${this.chunk({ role: "assistant" }, null)}\n\n`, (at) => {
      timing.firstByteAt = at.startedAt;
    });
  }

  onToken(event: TokenEvent): void {
    recordGenerated(this.completion, event);
    if (event.index >= this.completion.generated.tokens.length || this.cutOff) return;
    this.pending.push(event.index);
    const last = event.index === this.completion.generated.tokens.length - 1;
    if (!last && this.chunkRandom.next() < COALESCE_PROBABILITY) return;
    this.flush();
  }

  private flush(): void {
    if (this.pending.length === 0 || this.cutOff || this.res.writableEnded) return;
    if (this.state.clock.now() < this.blockedUntil) {
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        // tied to the request: a client that gave up mid-stall leaves no timer behind
        this.state.clock.sleepUntil(this.blockedUntil, this.abort.signal).then(
          () => {
            this.flushScheduled = false;
            this.flush();
          },
          () => undefined,
        );
      }
      return;
    }
    const indices = this.pending.splice(0);
    const tokens = this.completion.generated.tokens;
    const content = indices.map((i) => (i === 0 ? "" : " ") + (tokens[i] ?? "")).join("");
    let line = `data: ${this.chunk({ content }, null)}\n\n`;
    const crossesHalf = this.written < this.half && this.written + indices.length >= this.half;
    if (crossesHalf && this.faults.malformed === "broken-json" && !this.broke) {
      this.broke = true;
      const json = line.slice(6, -2);
      line = `data: ${json.slice(0, Math.floor(json.length / 2))}\n\n`;
      this.completion.timing.outcome = "malformed";
    }
    const { timing } = this.completion;
    for (const i of indices) {
      const token = timing.tokens[i];
      if (token) token.chunk = this.chunks;
    }
    writeThrough(this.res, line, ({ startedAt, endedAt, queued }) => {
      if (queued) timing.queuedWrites = (timing.queuedWrites ?? 0) + 1;
      for (const i of indices) {
        const token = timing.tokens[i];
        if (token) {
          token.writtenAt = startedAt;
          token.writeDoneAt = endedAt;
        }
      }
    });
    this.chunks += 1;
    this.written += indices.length;

    if (crossesHalf && this.faults.malformed === "truncated") {
      // the stream ends here: no final chunk, no [DONE], the connection closes
      this.cutOff = true;
      this.completion.timing.outcome = "cut-off";
      this.completion.timing.completedAt = nowMs();
      this.res.socket?.end();
      this.abort.abort(new GenerationAbortedError("the stream was cut off (malformed: truncated)"));
      return;
    }
    const stallAfter = this.faults.stallAfterTokens ?? this.half;
    if (this.faults.stallMs > 0 && !this.stalled && this.written >= stallAfter) {
      this.stalled = true;
      this.blockedUntil = this.state.clock.now() + this.faults.stallMs;
    }
  }

  async finish(): Promise<void> {
    if (this.cutOff || this.res.writableEnded) return;
    if (this.state.clock.now() < this.blockedUntil) {
      try {
        await this.state.clock.sleepUntil(this.blockedUntil, this.abort.signal);
      } catch {
        const { timing } = this.completion;
        timing.completedAt = nowMs();
        if (timing.outcome === "in-progress") timing.outcome = "aborted";
        return;
      }
    }
    this.flush();
    if (this.cutOff || this.res.writableEnded) return;
    const { generated, request, timing } = this.completion;
    this.res.write(`data: ${this.chunk({}, generated.finishReason)}\n\n`);
    if (request.stream_options?.include_usage) {
      const usageChunk = JSON.parse(this.chunk({}, null)) as Record<string, unknown>;
      usageChunk.choices = [];
      usageChunk.usage = usageOf(this.completion);
      this.res.write(`data: ${JSON.stringify(usageChunk)}\n\n`);
    }
    this.res.end("data: [DONE]\n\n");
    timing.completedAt = nowMs();
    if (timing.outcome === "in-progress") timing.outcome = "complete";
  }
}
