import { InvalidMeasureOptionsError } from "./errors.js";
import type { PromptSpec } from "./prompt-spec.js";
import type { LoadOptions } from "./load-options.js";

/** Throws InvalidMeasureOptionsError naming the first field that cannot describe a load. */
export function validateLoadOptions(opts: LoadOptions): void {
  positiveInteger("requests", opts.requests);
  if (opts.warmupRequests !== undefined) nonNegativeInteger("warmupRequests", opts.warmupRequests);
  const load = opts.load as LoadOptions["load"] | undefined;
  if (load === undefined || typeof load !== "object") {
    throw new InvalidMeasureOptionsError("load", "required: { kind: 'concurrency' | 'rate', … }");
  }
  if (load.kind === "concurrency") {
    positiveInteger("load.concurrency", load.concurrency);
  } else if (load.kind === "rate") {
    positiveNumber("load.requestsPerSecond", load.requestsPerSecond);
    if ((load.arrival as string) !== "constant" && (load.arrival as string) !== "poisson") {
      throw new InvalidMeasureOptionsError(
        "load.arrival",
        `must be "constant" or "poisson", got ${JSON.stringify(load.arrival)}`,
      );
    }
  } else {
    throw new InvalidMeasureOptionsError(
      "load.kind",
      `must be "concurrency" or "rate", got ${JSON.stringify((load as { kind: unknown }).kind)}`,
    );
  }
  if (opts.maxDurationMs !== undefined) positiveNumber("maxDurationMs", opts.maxDurationMs);
  if (opts.timeoutMs !== undefined) positiveNumber("timeoutMs", opts.timeoutMs);
  if (opts.model !== undefined && opts.model.length === 0)
    throw new InvalidMeasureOptionsError("model", "must not be empty");
  if (opts.prompts !== undefined) validatePrompts(opts.prompts);
  if (opts.slo !== undefined) {
    for (const key of ["ttftMs", "tpotMs", "e2eMs"] as const) {
      const v = opts.slo[key];
      if (v !== undefined) positiveNumber(`slo.${key}`, v);
    }
  }
  if (opts.seed !== undefined && !Number.isInteger(opts.seed))
    throw new InvalidMeasureOptionsError("seed", `must be an integer, got ${opts.seed}`);
}

function validatePrompts(prompts: readonly PromptSpec[]): void {
  if (prompts.length === 0)
    throw new InvalidMeasureOptionsError("prompts", "must hold at least one prompt");
  prompts.forEach((p, i) => {
    if (typeof p.name !== "string" || p.name.length === 0)
      throw new InvalidMeasureOptionsError(`prompts[${i}].name`, "must be a non-empty string");
    if (typeof p.prompt !== "string" || p.prompt.length === 0)
      throw new InvalidMeasureOptionsError(`prompts[${i}].prompt`, "must be a non-empty string");
    positiveInteger(`prompts[${i}].max_tokens`, p.max_tokens);
  });
}

function positiveInteger(field: string, v: number): void {
  if (!Number.isInteger(v) || v < 1)
    throw new InvalidMeasureOptionsError(field, `must be an integer ≥ 1, got ${v}`);
}

function nonNegativeInteger(field: string, v: number): void {
  if (!Number.isInteger(v) || v < 0)
    throw new InvalidMeasureOptionsError(field, `must be an integer ≥ 0, got ${v}`);
}

function positiveNumber(field: string, v: number): void {
  if (typeof v !== "number" || !Number.isFinite(v) || v <= 0)
    throw new InvalidMeasureOptionsError(field, `must be a finite number > 0, got ${v}`);
}
