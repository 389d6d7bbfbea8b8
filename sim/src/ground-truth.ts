/**
 * When the sim really wrote each token. Every time here is ms since the Unix epoch from
 * performance.timeOrigin + performance.now() (sub-ms resolution, monotonic within the process).
 */
export interface TokenWrite {
  index: number;
  text: string;
  /** When the model produced the token (end of its decode step). */
  generatedAt: number;
  /**
   * When the bytes carrying it were handed to the socket: res.write had returned, and it writes
   * through at once when the socket buffer is empty. NaN (null over HTTP) if never written.
   */
  writtenAt: number;
  /** Which content chunk carried it (0-based; a non-streamed body is chunk 0); -1 while not written. */
  chunk: number;
  /** Modelled duration of the step that produced it (noise and slowdown applied; the first includes prefill). */
  modelledMs: number;
}

export interface TokenTiming {
  completionId: string;
  stream: boolean;
  /** When the request's body had been read. */
  receivedAt: number;
  /** When the role chunk (streaming) was written; undefined when not streaming. */
  firstByteAt?: number;
  /** Modelled per-request overhead, queueing before admission and prefill, in ms. */
  overheadMs: number;
  queuedMs: number;
  prefillMs: number;
  tokens: TokenWrite[];
  /** When the response ended (the last byte was written, or the connection was cut). */
  completedAt?: number;
  outcome: "in-progress" | "complete" | "aborted" | "cut-off" | "malformed";
}

/** The last `capacity` completions' timings, oldest dropped first. */
export class GroundTruthStore {
  private readonly byId = new Map<string, TokenTiming>();

  constructor(private readonly capacity = 10_000) {}

  begin(timing: TokenTiming): TokenTiming {
    this.byId.set(timing.completionId, timing);
    if (this.byId.size > this.capacity) {
      const oldest = this.byId.keys().next();
      if (!oldest.done) this.byId.delete(oldest.value);
    }
    return timing;
  }

  get(completionId: string): TokenTiming | undefined {
    const timing = this.byId.get(completionId);
    return timing && structuredClone(timing);
  }
}
