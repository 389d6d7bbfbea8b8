import type { RunResult } from "@mlxbench/proto";
import type { Logger } from "pino";
import type { Verdict } from "@mlxbench/verdict";
import { mergeRunResults } from "./merge-run-results.js";

export interface Judged {
  runResult: RunResult;
  verdict: Verdict;
  notes: string[];
}

/**
 * An inconclusive verdict earns one automatic re-run with the same options (so the baseline stays
 * comparable), its samples pooled with the first run's. A failed re-run never costs the first
 * run's results: they are kept with their own verdict and a note says why.
 */
export async function rerunIfInconclusive(
  first: { runResult: RunResult; verdict: Verdict },
  runAgain: () => Promise<RunResult>,
  judge: (runResult: RunResult) => Promise<Verdict>,
  opts: { log: Logger; signal?: AbortSignal },
): Promise<Judged> {
  if (first.verdict.kind !== "inconclusive") return { ...first, notes: [] };
  let second: RunResult;
  try {
    second = await runAgain();
  } catch (err) {
    if (opts.signal?.aborted) throw err;
    opts.log.warn({ err }, "the automatic re-run failed; keeping the first run");
    const why = err instanceof Error ? err.message : String(err);
    return {
      ...first,
      notes: [
        `The first verdict was inconclusive; an automatic re-run failed (${why}), so this is the first run's verdict.`,
      ],
    };
  }
  opts.signal?.throwIfAborted();
  const runResult = mergeRunResults(first.runResult, second);
  return {
    runResult,
    verdict: await judge(runResult),
    notes: [
      "The first verdict was inconclusive; the suite ran a second time and the samples of both runs were pooled.",
    ],
  };
}
