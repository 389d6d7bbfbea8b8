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
   * When the write that hands the chunk carrying it to the kernel began. The peer cannot have
   * these bytes earlier, and has them by writeDoneAt; the kernel took them in between. Not when
   * res.write returned: node:http holds chunked bytes until the next tick, after the sim has
   * written a whole decode step to every stream, so the sim forces each write through at once
   * (http/write-through.ts). The streams of one step are written one after another, so their
   * times are staggered across the step's write loop. Non-streamed: just before the body is sent.
   * NaN (null over HTTP) if never written.
   */
  writtenAt: number;
  /**
   * When that write had returned with the bytes in the kernel, or, when the socket's send buffer
   * was full, when the write's callback ran (see TokenTiming.queuedWrites). On a busy machine
   * the kernel may run the woken reader before the sim reads the clock again, so a reader's
   * receive stamp can precede this. NaN (null over HTTP) if never written.
   */
  writeDoneAt: number;
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
  /** When the kernel accepted the role chunk (streaming), as writtenAt; undefined when not streaming. */
  firstByteAt?: number;
  /**
   * Streamed writes the kernel could not take at once (send buffer full: the client was not
   * reading fast enough); their writtenAt is the write callback's time. Absent when none.
   */
  queuedWrites?: number;
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
