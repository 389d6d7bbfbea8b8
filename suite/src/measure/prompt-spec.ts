/** One prompt of a load, in the seed's `test_prompts` form: (name, prompt, max_tokens). */
export interface PromptSpec {
  name: string;
  prompt: string;
  max_tokens: number;
}

const LONG_CONTEXT = [
  "Distributed inference splits a model's layers across several devices so that a model too",
  "large for one machine can still be served. Each device holds a contiguous range of layers",
  "and passes its activations to the next device over the network. The first device embeds",
  "the tokens, the last applies the language-model head, and every generated token makes one",
  "full trip through the pipeline. Communication cost therefore scales with the number of",
  "hops, while memory per device shrinks with the number of devices.",
].join(" ");

/** Short to long prompts and outputs, so a load exercises both prefill and decode. */
export const DEFAULT_PROMPTS: readonly PromptSpec[] = Object.freeze([
  { name: "short_qa", prompt: "What is the capital of France?", max_tokens: 32 },
  {
    name: "medium_explain",
    prompt: "Explain in a few sentences how a transformer's attention mechanism works.",
    max_tokens: 128,
  },
  {
    name: "code_generation",
    prompt:
      "Write a Python function that returns the n-th Fibonacci number iteratively, with a docstring.",
    max_tokens: 192,
  },
  {
    name: "long_context_summary",
    prompt: `${LONG_CONTEXT}\n\n${LONG_CONTEXT}\n\nSummarise the text above in three bullet points.`,
    max_tokens: 256,
  },
]);
