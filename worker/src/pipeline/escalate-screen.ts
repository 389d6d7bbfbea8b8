import { join } from "node:path";
import type { RunResult } from "@mlxbench/proto";
import {
  deriveNextStepOptions,
  deriveVerdictConfig,
  escalateCloseCalls,
  judgePairs,
  type ConfirmMode,
  type Escalated,
  type RunPair,
  type Verdict,
} from "@mlxbench/verdict";
import type { JobRun } from "./job-run.js";
import { mergeRunResults } from "./merge-run-results.js";
import type { ConfirmationInput } from "./run-confirmation-pairs.js";

export interface ScreenedRun {
  runResult: RunResult;
  verdict: Verdict;
}

/** What the escalation does with the cluster: the pipeline's I/O, injected so the wiring is testable. */
export interface EscalationSteps {
  /** The suite once more on the head, into `dir`. */
  runSuiteAgain: (dir: string) => Promise<RunResult>;
  /** `first`: pairs this confirmation already ran (a second batch is numbered after them). */
  runPairs: (pairs: number, first: number) => Promise<RunPair[]>;
  judge: (runResult: RunResult) => Promise<Verdict>;
}

/**
 * When this job confirms: a person asked (`/benchmark confirm`), the repository turned it off, a
 * push (nothing to gate: up to 20 A/B pairs would cost minutes per push for no decision), or close calls.
 */
export function confirmModeOf(run: Pick<JobRun, "job">, input: ConfirmationInput): ConfirmMode {
  if (run.job.suite.confirm) return "requested";
  if (!input.config.confirmation.automatic) return "off";
  return run.job.trigger === "push" ? "push" : "automatic";
}

/**
 * Step 4b: what decideNextStep says after the screen, done with the job's cluster: nothing, one
 * re-run of the head pooled with the first run's samples, or the A/B/B/A confirmation decided by
 * the paired test. A failed re-run or confirmation keeps the screen's verdict with a note.
 */
export async function escalateScreen(
  run: JobRun,
  screened: ScreenedRun,
  input: ConfirmationInput,
  steps: EscalationSteps,
): Promise<Escalated> {
  const verdictConfig = deriveVerdictConfig(input.config);
  const requested = run.job.suite.confirm?.pairs;
  return escalateCloseCalls(
    screened,
    {
      runAgain: async () =>
        mergeRunResults(
          screened.runResult,
          await steps.runSuiteAgain(join(run.outputDir, "rerun")),
        ),
      runPairs: (pairs, _metrics, ran) => {
        run.step(
          ran === 0
            ? `confirming with ${pairs} A/B pairs (merge-base and this commit, interleaved)`
            : `confirming with ${pairs} more A/B pairs (the first ${ran} did not decide)`,
        );
        return steps.runPairs(pairs, ran);
      },
      judge: steps.judge,
      judgePairs: (screen, pairsByMetric, opts) =>
        judgePairs(screen, pairsByMetric, verdictConfig, opts),
    },
    {
      // Pairs sized for the test that judges them: confirmAlpha, confirmPower, confirmTrim.
      ...deriveNextStepOptions(verdictConfig),
      ...(requested !== undefined ? { confirmPairs: requested } : {}),
      confirm: confirmModeOf(run, input),
      log: run.log,
      ...(run.signal ? { signal: run.signal } : {}),
    },
  );
}
