import { z } from "zod";
import { describeIssues } from "../faults.js";

const Message = z.looseObject({
  role: z.enum(["system", "user", "assistant", "function"]),
  content: z.string(),
  name: z.string().optional(),
});

/** The cluster's chat request (contract: defaults temperature 0.7, top_p 1, n 1, stream false, max_tokens 100). */
export const ChatCompletionRequest = z.looseObject({
  model: z.string().min(1, "model must be a non-empty string"),
  messages: z.array(Message),
  temperature: z.number().min(0).max(2).default(0.7),
  top_p: z.number().min(0).max(1).default(1),
  n: z.literal(1, "n must be 1 (only one choice is generated)").default(1),
  stream: z.boolean().default(false),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
  stop: z.union([z.string(), z.array(z.string())]).nullish(),
  max_tokens: z.number().int().min(1).max(32768).default(100),
  presence_penalty: z.number().min(-2).max(2).default(0),
  frequency_penalty: z.number().min(-2).max(2).default(0),
  logit_bias: z.record(z.string(), z.number()).nullish(),
  user: z.string().nullish(),
});
export type ChatCompletionRequest = z.infer<typeof ChatCompletionRequest>;

export class ChatRequestError extends Error {
  override name = "ChatRequestError";
}

/** Validates a parsed body; the error names every bad field. Empty messages are the contract's own 400. */
export function parseChatRequest(body: unknown): ChatCompletionRequest {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new ChatRequestError("request body must be a JSON object");
  }
  const result = ChatCompletionRequest.safeParse(body);
  if (!result.success)
    throw new ChatRequestError(`invalid chat completion request: ${describeIssues(result.error)}`);
  if (result.data.messages.length === 0) throw new ChatRequestError("messages must not be empty");
  return result.data;
}
