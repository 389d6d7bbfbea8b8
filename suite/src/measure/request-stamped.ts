import type { IncomingHttpHeaders } from "node:http";
import type { Dispatcher } from "undici";

export interface StampedRequestOptions {
  origin: string;
  path: string;
  method: Dispatcher.HttpMethod;
  headers: Record<string, string>;
  body: string;
  headersTimeout: number;
  bodyTimeout: number;
  signal?: AbortSignal;
}

export interface StampedResponse {
  statusCode: number;
  headers: IncomingHttpHeaders;
  /** When the status line and headers had been parsed (stamped in undici's callback). */
  headersAt: number;
  body: StampedBody;
}

/** What a reader of a StampedBody is told, in order: reads (any number of times), then end or error. */
export interface BodyConsumer {
  /** Reads since the last call in arrival order, each with the time it was stamped on arrival. */
  onReads(chunks: readonly Buffer[], ats: readonly number[]): void;
  /** `at`: when the end of the body arrived, stamped like the reads. */
  onEnd(at: number): void;
  onError(error: Error): void;
}

/** Where a StampedBody hands each read at once, in the data callback that stamped it (see pipeTo). */
export interface ReadSink {
  onRead(chunk: Buffer, at: number): void;
  onEnd(at: number): void;
  onError(error: Error): void;
}

/**
 * Sends a request through undici's Dispatcher with a handler of its own, so every read of the
 * response body is stamped inside undici's data callback: the socket read was parsed as HTTP a
 * moment before, and nothing else (no Readable stream, no parsing of ours) comes in between.
 * Resolves when the headers arrive, rejects on a transport error, abort or timeout before them.
 */
export function requestStamped(
  dispatcher: Dispatcher,
  opts: StampedRequestOptions,
  now: () => number,
): Promise<StampedResponse> {
  return new Promise<StampedResponse>((resolve, reject) => {
    let controller: Dispatcher.DispatchController | undefined;
    const body = new StampedBody(now, (reason) => controller?.abort(reason));
    let headersDone = false;
    let settled = false;
    const { signal } = opts;
    const onAbort = (): void => {
      const reason = abortReason(signal);
      if (controller !== undefined) controller.abort(reason);
      if (!headersDone) fail(reason);
    };
    const fail = (error: Error): void => {
      signal?.removeEventListener("abort", onAbort);
      if (!headersDone) {
        if (settled) return;
        settled = true;
        reject(error);
      } else body.fail(error);
    };

    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(c) {
        controller = c;
        if (signal?.aborted === true) c.abort(abortReason(signal));
      },
      onResponseStart(_c, statusCode, headers) {
        if (statusCode < 200) return; // 1xx informational: the real answer follows
        const headersAt = now();
        headersDone = true;
        settled = true;
        resolve({ statusCode, headers, headersAt, body });
      },
      onResponseData(_c, chunk) {
        body.take(chunk);
      },
      onResponseEnd() {
        signal?.removeEventListener("abort", onAbort);
        body.end();
      },
      onResponseError(_c, error) {
        fail(error);
      },
    };
    if (signal?.aborted === true) return fail(abortReason(signal));
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      dispatcher.dispatch(
        {
          origin: opts.origin,
          path: opts.path,
          method: opts.method,
          headers: opts.headers,
          body: opts.body,
          headersTimeout: opts.headersTimeout,
          bodyTimeout: opts.bodyTimeout,
        },
        handler,
      );
    } catch (error) {
      fail(error instanceof Error ? error : new Error(String(error)));
    }
  });
}

function abortReason(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  return reason instanceof Error ? reason : new Error("the request was aborted");
}

/**
 * A response body whose reads were stamped on arrival. A consumer gets them in the check phase
 * (setImmediate), after every socket read of the same event-loop turn has been stamped, so
 * parsing one stream never delays another stream's stamps.
 */
export class StampedBody {
  private chunks: Buffer[] = [];
  private ats: number[] = [];
  private ended = false;
  private endedAt = 0;
  private error: Error | undefined;
  private finished = false;
  private consumer: BodyConsumer | undefined;
  private sink: ReadSink | undefined;
  private scheduled = false;

  /** `cancel` aborts the request (undici closes the connection). */
  constructor(
    private readonly now: () => number,
    private readonly cancel: (reason: Error) => void,
  ) {}

  /** undici's data callback: the stamp comes first, before anything else is done with the read. */
  take(chunk: Buffer): void {
    this.takeAt(chunk, this.now());
  }

  /** A read stamped elsewhere (the reader thread stamps, this thread parses). */
  takeAt(chunk: Buffer, at: number): void {
    if (this.finished || this.ended || this.error !== undefined) return;
    if (this.sink !== undefined) return this.sink.onRead(chunk, at);
    this.chunks.push(chunk);
    this.ats.push(at);
    this.schedule();
  }

  end(): void {
    this.endAt(this.now());
  }

  endAt(at: number): void {
    if (this.ended || this.error !== undefined) return;
    this.ended = true;
    this.endedAt = at;
    if (this.sink !== undefined) {
      this.finished = true;
      return this.sink.onEnd(at);
    }
    this.schedule();
  }

  fail(error: Error): void {
    if (this.ended || this.error !== undefined) return;
    this.error = error;
    if (this.sink !== undefined) {
      this.finished = true;
      return this.sink.onError(error);
    }
    this.schedule();
  }

  /** Hands the body to one consumer; what came before is delivered at the next check phase. */
  consume(consumer: BodyConsumer): void {
    if (this.consumer !== undefined || this.sink !== undefined)
      throw new Error("a StampedBody has one consumer");
    this.consumer = consumer;
    this.schedule();
  }

  /**
   * Hands every read to `sink` in the data callback, right after its stamp: no setImmediate and no
   * arrays per read. For a reader that batches on its own (the reader thread); what arrived
   * before this call is handed over at once, in order.
   */
  pipeTo(sink: ReadSink): void {
    if (this.consumer !== undefined || this.sink !== undefined)
      throw new Error("a StampedBody has one consumer");
    this.sink = sink;
    for (let i = 0; i < this.chunks.length; i++)
      sink.onRead(this.chunks[i] as Buffer, this.ats[i] ?? 0);
    this.chunks = [];
    this.ats = [];
    this.finishTo(sink);
  }

  /** Stops the body: closes the connection, and nothing more is delivered. */
  destroy(reason: Error): void {
    this.finished = true;
    this.cancel(reason);
  }

  /** The whole body as UTF-8; rejects with the transport error if the body failed. */
  text(): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      const parts: Buffer[] = [];
      this.consume({
        onReads: (chunks) => {
          parts.push(...chunks);
        },
        onEnd: () => resolve(Buffer.concat(parts).toString("utf8")),
        onError: reject,
      });
    });
  }

  // The end and errors wait for the check phase too: a body's last reads, often in the same socket
  // read as its end, are parsed after every other stream's reads of this loop turn were stamped.
  private schedule(): void {
    if (this.consumer === undefined || this.scheduled) return;
    this.scheduled = true;
    setImmediate(this.deliverLater);
  }

  private readonly deliverLater = (): void => {
    this.scheduled = false;
    this.deliver();
  };

  private deliver(): void {
    const consumer = this.consumer;
    if (consumer === undefined || this.finished) return;
    if (this.chunks.length > 0) {
      const chunks = this.chunks;
      const ats = this.ats;
      this.chunks = [];
      this.ats = [];
      consumer.onReads(chunks, ats);
      if (this.finished) return; // the consumer destroyed the body
    }
    this.finishTo(consumer);
  }

  /** Hands over the body's error or end, once, if it has come (pipeTo and deliver share it). */
  private finishTo(target: Pick<BodyConsumer, "onEnd" | "onError">): void {
    if (this.error !== undefined) {
      this.finished = true;
      target.onError(this.error);
    } else if (this.ended) {
      this.finished = true;
      target.onEnd(this.endedAt);
    }
  }
}
