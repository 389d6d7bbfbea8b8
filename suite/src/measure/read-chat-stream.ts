import { ChatStreamReader, MalformedStreamError } from "./chat-stream-reader.js";
import { classifyTransportError, describeError } from "./classify-error.js";
import { countChunkTokens } from "./estimate-tokens.js";
import type { StampedBody } from "./request-stamped.js";
import type { RequestError, RequestRecord } from "./request-record.js";

/** Reads an SSE answer into `record`: chunks with their stamps, tokens, usage; a broken stream fails. */
export function readStream(
  body: StampedBody,
  record: RequestRecord,
  now: () => number,
  fail: (error: RequestError) => RequestRecord,
): Promise<RequestRecord> {
  const reader = new ChatStreamReader();
  record.streamed = true;
  // Reads were stamped in undici's data callback and come here in the check phase, after every
  // socket read of that loop turn was stamped: parsing one stream never delays another's stamps.
  return new Promise<RequestRecord>((resolve) => {
    const settle = (error: RequestError | undefined, endedAt = now()): void => {
      finishStream(reader, record);
      if (error !== undefined) {
        resolve(fail(error));
        return;
      }
      record.endMs = endedAt;
      record.ok = true;
      resolve(record);
    };
    body.consume({
      onReads(chunks, ats) {
        for (let i = 0; i < chunks.length; i++) {
          try {
            reader.push(chunks[i] as Buffer, ats[i] ?? 0);
          } catch (err) {
            const message = err instanceof MalformedStreamError ? err.message : describeError(err);
            body.destroy(new MalformedStreamError(message));
            settle({ class: "malformed_stream", message });
            return;
          }
        }
      },
      onError(err) {
        settle(classifyTransportError(err, "body"));
      },
      onEnd(at) {
        const reason = reader.incompleteReason();
        settle(
          reason === undefined ? undefined : { class: "truncated_stream", message: reason },
          at,
        );
      },
    });
  });
}

function finishStream(reader: ChatStreamReader, record: RequestRecord): void {
  const completion = reader.usage?.completion_tokens;
  const counts = countChunkTokens(reader.texts, completion);
  let counted = 0;
  let chars = 0;
  for (let i = 0; i < counts.length; i++) {
    const tokens = counts[i] ?? 0;
    counted += tokens;
    chars += reader.texts[i]?.length ?? 0;
    record.chunks.push({ atMs: reader.times[i] ?? 0, tokens });
  }
  const firstTokenMs = reader.times[0];
  if (firstTokenMs !== undefined) record.firstTokenMs = firstTokenMs;
  record.outputChars = chars;
  record.finishReason = reader.finishReason;
  record.outputTokens = completion ?? counted;
  record.tokenSource = completion === undefined ? "counted" : "usage";
  if (reader.completionId !== undefined) record.completionId = reader.completionId;
  if (reader.usage !== undefined) record.usage = reader.usage;
  if (reader.timings !== undefined) record.serverTimings = reader.timings;
}
