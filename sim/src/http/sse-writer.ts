import type { ServerResponse } from "node:http";
import type { ClusterState } from "../cluster-state.js";
import { GenerationAbortedError, type TokenEvent } from "../engine/batch-engine.js";
import { nowMs } from "../engine/clock.js";
import { createRandom, hashSeed, type Random } from "../engine/random.js";
import type { Faults } from "../faults.js";
import { fingerprint, recordGenerated, usageOf, type Completion } from "./completion.js";
import { writeThrough } from "./write-through.js";

/** Share of tokens held back and sent with the next one, so some chunks carry several tokens. */
const COALESCE_PROBABILITY = 0.3;

/**
 * Writes a streamed completion as SSE, token by token as the engine generates them, with the
 * faults applied: coalesced chunks, a stall, broken JSON or a stream cut off halfway.
 */
export class SseWriter {
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
