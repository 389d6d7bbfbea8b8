// The pipeline's full decision for one screened run: the screen, then whatever decideNextStep says
// (nothing, a re-run pooled with the first run, or A/B pairs), through the same escalateCloseCalls.
import type { RunResult } from "@mlxbench/proto";
import {
  computeVerdict,
  deriveNextStepOptions,
  escalateCloseCalls,
  judgePairs,
  type Escalated,
  type NextStepOptions,
  type RunPair,
  type VerdictConfig,
} from "../src/index.js";
import { poolRuns } from "./build-run-result.js";

/** Where the bench gets the second look from: another run of the head, or A/B pairs. */
export interface SecondLook {
  runAgain: () => RunResult;
  /** `skip`: pairs already run for this point (a second batch continues after them). */
  runPairs: (pairs: number, skip: number) => RunPair[];
}

export async function decideFully(
  current: RunResult,
  history: readonly RunResult[],
  config: VerdictConfig,
  more: SecondLook,
  overrides: Partial<NextStepOptions> = {},
): Promise<Escalated> {
  const baseline = history[history.length - 1];
  const judge = (run: RunResult): Promise<ReturnType<typeof computeVerdict>> =>
    Promise.resolve(computeVerdict(run, baseline, history, config));
  return escalateCloseCalls(
    { runResult: current, verdict: await judge(current) },
    {
      runAgain: () => Promise.resolve(poolRuns(current, more.runAgain())),
      runPairs: (pairs, _metrics, ran) => Promise.resolve(more.runPairs(pairs, ran)),
      judge,
      judgePairs: (screen, pairsByMetric, opts) => judgePairs(screen, pairsByMetric, config, opts),
    },
    {
      ...deriveNextStepOptions(config),
      ...overrides,
    },
  );
}
