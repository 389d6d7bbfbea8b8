import { createRandom, hashSeed } from "./random.js";

// In the sim one word is one token: a completion of N words reports completion_tokens = N, and each
// streamed token is one word (with the space before it), so clients can check token counts exactly.

const WORDS = (
  "the a model layer device shard tensor token cluster pipeline batch cache memory bandwidth " +
  "latency throughput metal unified apple silicon gradient weight activation attention head " +
  "query key value softmax norm residual embedding vocabulary sequence prompt context window " +
  "decode prefill stage hop link thunderbolt network grpc stream chunk response request worker " +
  "coordinator rank world size shape dtype float bfloat int precision quantized group scale " +
  "kernel matrix vector compute fast slow steady stable measured expected observed each every " +
  "one two three four eight many few more less then when while because so and or but with " +
  "without across between over under into from to of in on at by for is are was were runs " +
  "moves holds keeps sends returns waits splits joins reduces gathers loads stores reads writes"
).split(" ");

export interface GeneratedCompletion {
  /** One word per token; the content is `tokens.join(" ")`. */
  tokens: string[];
  finishReason: "stop" | "length";
}

export interface GenerateOptions {
  seed: number;
  /** The request's text (all messages): the same prompt under the same seed gives the same words. */
  prompt: string;
  maxTokens: number;
  stop?: string[];
}

/**
 * A deterministic "answer": a natural length of 12–120 words drawn from (seed, prompt); cut at
 * `maxTokens` (finish "length") or before the first word containing a stop string (finish "stop").
 */
export function generateCompletion(opts: GenerateOptions): GeneratedCompletion {
  const random = createRandom(hashSeed(opts.seed, "text", opts.prompt));
  const naturalLength = random.int(12, 120);
  const count = Math.min(naturalLength, opts.maxTokens);
  const tokens: string[] = [];
  let sentenceStart = true;
  for (let i = 0; i < count; i++) {
    let word = WORDS[random.int(0, WORDS.length - 1)] ?? "the";
    if (sentenceStart) word = word.charAt(0).toUpperCase() + word.slice(1);
    sentenceStart = false;
    const last = i === naturalLength - 1;
    if (last || random.next() < 0.08) {
      word += ".";
      sentenceStart = true;
    } else if (random.next() < 0.06) {
      word += ",";
    }
    if (opts.stop?.some((s) => s.length > 0 && word.includes(s))) {
      return { tokens, finishReason: "stop" };
    }
    tokens.push(word);
  }
  return { tokens, finishReason: count < naturalLength ? "length" : "stop" };
}

/** The contract says prompt_tokens is an estimate: about 4/3 tokens per word plus a few per message. */
export function estimatePromptTokens(contents: string[]): number {
  let total = 0;
  for (const content of contents) {
    const words = content.split(/\s+/).filter((w) => w.length > 0).length;
    total += Math.ceil((words * 4) / 3) + 4;
  }
  return total;
}
