/** Why a request failed. A failed request is counted here and never turned into a latency. */
export type ErrorClass =
  | "connect"
  | "timeout"
  | "http_status"
  | "malformed_stream"
  | "truncated_stream"
  | "malformed_response"
  | "aborted";

export const ERROR_CLASSES: readonly ErrorClass[] = [
  "connect",
  "timeout",
  "http_status",
  "malformed_stream",
  "truncated_stream",
  "malformed_response",
  "aborted",
];

export interface RequestError {
  class: ErrorClass;
  /** HTTP status, for `http_status` (and for a 2xx answered with the wrong body). */
  status?: number;
  message: string;
}

/** One content chunk as the client saw it: when its bytes arrived and how many tokens it carried. */
export interface ChunkRecord {
  /** Epoch ms (performance.timeOrigin + performance.now()) when the socket read holding it arrived. */
  atMs: number;
  tokens: number;
}

export interface UsageRecord {
  prompt_tokens?: number;
  completion_tokens?: number;
  total_tokens?: number;
}

/**
 * Everything the client observed about one request. All times are epoch milliseconds with
 * sub-millisecond precision (performance.timeOrigin + performance.now()), so they line up
 * with a reference cluster's ground truth taken on the same clock.
 */
export interface RequestRecord {
  id: string;
  promptName: string;
  /** When the schedule said this request should start; latencies are measured from here. */
  intendedStartMs: number;
  /** When the client handed the request to its HTTP stack. */
  sentMs: number;
  /** When the response headers arrived; absent when no response came (connect error, timeout). */
  firstByteMs?: number;
  /** When the first chunk with non-empty content arrived (a role-only chunk does not count). */
  firstTokenMs?: number;
  /** Content chunks in arrival order; empty for a non-streamed request. */
  chunks: ChunkRecord[];
  endMs: number;
  outputTokens: number;
  /** "usage": the server's usage.completion_tokens; "counted": the client's heuristic count. */
  tokenSource: "usage" | "counted";
  finishReason: string | null;
  ok: boolean;
  error?: RequestError;
  /** True when the answer came as an SSE stream, so TTFT and ITL are measurable. */
  streamed: boolean;
  /** True when `stream: true` was answered 501 and the request was repeated without streaming. */
  streamFallback?: boolean;
  completionId?: string;
  usage?: UsageRecord;
  /** llama.cpp's `timings` object (prompt_ms, predicted_ms, predicted_n, …) as the server sent it. */
  serverTimings?: Record<string, number>;
  /** Characters of generated content, for sanity checks of token counts. */
  outputChars: number;
}
