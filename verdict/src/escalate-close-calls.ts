import type { RunResult } from "@mlxbench/proto";
import { decideNextStep, type NextStep, type NextStepOptions } from "./decide-next-step.js";
import { collectPairs, type JudgePairsOptions, type RunPair } from "./judge-pairs.js";
import type { ValuePair } from "./stats/index.js";
import type { Verdict } from "./metric-verdict.js";

/** What the escalation may do; the pipeline supplies each (I/O stays outside the verdict). */
export interface EscalationIo {
  /** Runs the suite again with the same options; returns the result to judge in place of the first (the pipeline pools both runs' samples). */
  runAgain: () => Promise<RunResult>;
  /**
   * Runs `pairs` A/B pairs of merge-base and head interleaved A/B/B/A on the same cluster; `ran`:
   * pairs this confirmation already ran (a second batch comes after them).
   */
  runPairs: (pairs: number, metrics: readonly string[], ran: number) => Promise<RunPair[]>;
  judge: (runResult: RunResult) => Promise<Verdict>;
  /** The pure judgePairs bound to the config: `(s, p, o) => judgePairs(s, p, config, o)`. */
  judgePairs: (
    screen: Verdict,
    pairsByMetric: ReadonlyMap<string, readonly ValuePair[]>,
    opts: JudgePairsOptions,
  ) => Verdict | Promise<Verdict>;
}

export interface EscalationOptions extends NextStepOptions {
  signal?: AbortSignal;
  /** Told why a step failed (pino's logger fits). */
  log?: { warn: (obj: { err: unknown }, msg: string) => void };
}

export interface Escalated {
  runResult: RunResult;
  verdict: Verdict;
  notes: string[];
  /** What decideNextStep said for the first verdict. */
  step: NextStep;
}

/**
 * A/B pairs to add when a sized automatic confirmation left a metric not decided: up to maxPairs in
 * all. None for a requested or fixed count (a person chose it) or when every metric was decided.
 */
export function morePairs(
  verdict: Verdict,
  step: Extract<NextStep, { kind: "confirm" }>,
  ran: number,
  opts: Pick<NextStepOptions, "maxPairs" | "confirmPairs">,
): number {
  if (step.requested === true || opts.confirmPairs !== undefined) return 0;
  const open = verdict.metrics.some(
    (m) => step.metrics.includes(m.key) && m.outcome === "inconclusive",
  );
  return open ? Math.max(0, opts.maxPairs - ran) : 0;
}

/**
 * Does exactly what decideNextStep says for the first run's verdict: nothing, one re-run, or a
 * paired confirmation. A failed re-run or confirmation never costs the first verdict: it is kept
 * and a note says why. An abort is rethrown.
 */
export async function escalateCloseCalls(
  first: { runResult: RunResult; verdict: Verdict },
  io: EscalationIo,
  opts: EscalationOptions,
): Promise<Escalated> {
  const step = decideNextStep(first.verdict, opts);
  /** A failed step: rethrown when the job was aborted, else logged; its message for a note. */
  const failed = (err: unknown, what: string, kept: string): string => {
    if (opts.signal?.aborted) throw err;
    opts.log?.warn({ err }, `${what} failed; keeping ${kept}`);
    return err instanceof Error ? err.message : String(err);
  };
  const keepFirst = (err: unknown, what: string, why: string): Escalated => {
    const message = failed(err, what, "the first run's verdict");
    return { ...first, step, notes: [`${why} (${message}), so this is the first run's verdict.`] };
  };
  switch (step.kind) {
    case "done":
      return { ...first, step, notes: step.note === undefined ? [] : [step.note] };
    case "rerun": {
      let second: RunResult;
      try {
        second = await io.runAgain();
      } catch (err) {
        return keepFirst(
          err,
          "the automatic re-run",
          "The first verdict was inconclusive; an automatic re-run failed",
        );
      }
      opts.signal?.throwIfAborted();
      return {
        runResult: second,
        verdict: await io.judge(second),
        step,
        notes: [
          "The first verdict was inconclusive; the suite ran a second time and the samples of both runs were pooled.",
        ],
      };
    }
    case "confirm": {
      let pairs: RunPair[];
      try {
        pairs = await io.runPairs(step.pairs, step.metrics, 0);
      } catch (err) {
        return keepFirst(
          err,
          "the paired confirmation",
          `The screen asked for ${step.pairs} A/B pairs to confirm ${step.metrics.join(", ")}; running them failed`,
        );
      }
      opts.signal?.throwIfAborted();
      const judge = (all: readonly RunPair[]): Verdict | Promise<Verdict> =>
        io.judgePairs(first.verdict, collectPairs(all, step.metrics), {
          requested: step.requested === true,
        });
      let verdict = await judge(pairs);
      const firstBatch = pairs.length;
      const more = morePairs(verdict, step, pairs.length, opts);
      const notes: string[] = [];
      if (more > 0) {
        try {
          pairs = [...pairs, ...(await io.runPairs(more, step.metrics, firstBatch))];
          opts.signal?.throwIfAborted();
          verdict = await judge(pairs);
        } catch (err) {
          const message = failed(err, "the second batch of A/B pairs", "the first batch's verdict");
          notes.push(
            `${more} more A/B pairs were to decide what the first ${firstBatch} left open; running them failed (${message}), so this is the first ${firstBatch} pairs' verdict.`,
          );
        }
      }
      return {
        ...first,
        verdict,
        step,
        notes: [
          step.requested
            ? `A confirmation was requested: ${pairs.length} A/B pairs of the merge-base and this commit, run interleaved on the same cluster, decided ${step.metrics.join(", ")}.`
            : `The screen's call on ${step.metrics.join(", ")} was close under run-to-run noise; ${pairs.length} A/B pairs of the merge-base and this commit, run interleaved on the same cluster, decided it${pairs.length > firstBatch ? ` (${firstBatch} first, ${pairs.length - firstBatch} more as the first did not decide)` : ""}.`,
          ...notes,
        ],
      };
    }
  }
}
