import { runLoad, type LoadOptions, type LoadResult } from "../measure/index.js";
import { describeErrors, summarizeLoad } from "../load-summary.js";
import type { CheckOutcome } from "./record-check.js";

/** What every inference request of the validation shares: target, model, prompts, timeout. */
export type InferenceTarget = Omit<LoadOptions, "load" | "requests">;

/** The loads measured so far; assigned inside the checks, so a failed check leaves its slot empty. */
export interface InferenceLoads {
  basic?: LoadResult;
  concurrent?: LoadResult;
}

/** Basic inference: one request at a time; at least one must succeed. */
export async function checkBasicInference(
  common: InferenceTarget,
  iterations: number,
  loaded: InferenceLoads,
): Promise<CheckOutcome> {
  const basic = await runLoad({
    ...common,
    load: { kind: "concurrency", concurrency: 1 },
    requests: iterations,
  });
  loaded.basic = basic;
  const m = basic.metrics;
  const ok = basic.records.filter((r) => r.ok).length;
  const msg = `${ok} of ${basic.records.length} requests succeeded (errors: ${describeErrors(m.errorsByClass)})`;
  return ok > 0 ? { status: "PASS", message: msg } : { status: "FAIL", message: msg };
}

/** Concurrent inference: the requests must really overlap, and at least one must succeed. */
export async function checkConcurrentInference(
  common: InferenceTarget,
  concurrentRequests: number,
  loaded: InferenceLoads,
): Promise<CheckOutcome> {
  const concurrent = await runLoad({
    ...common,
    load: { kind: "concurrency", concurrency: concurrentRequests },
    requests: concurrentRequests,
  });
  loaded.concurrent = concurrent;
  const s = summarizeLoad(concurrent);
  const ok = concurrent.records.filter((r) => r.ok).length;
  const overlap = concurrentRequests < 2 || s.maxInFlight > 1;
  const msg =
    `${ok} of ${concurrent.records.length} requests succeeded with up to ${s.maxInFlight} in flight ` +
    `(errors: ${describeErrors(concurrent.metrics.errorsByClass)})`;
  return ok > 0 && overlap
    ? { status: "PASS", message: msg }
    : { status: "FAIL", message: overlap ? msg : `${msg}; the requests did not overlap` };
}
