import type { MlxbenchConfig, RunResult } from "@mlxbench/proto";
import { listBaselineCandidates, type BaselineCandidate } from "@mlxbench/archive";
import {
  chooseBaseline,
  computeVerdict,
  deriveVerdictConfig,
  diffFingerprintIdentity,
  type Verdict,
} from "@mlxbench/verdict";
import { messageOf } from "./errors.js";
import type { JobRun } from "./job-run.js";

/** Past runs read for a baseline: enough for the noise window, bounded on a busy archive. */
const CANDIDATE_LIMIT = 200;

/**
 * Step 4: the verdict of `current` against the baseline the archive holds (the merge base's run
 * for a PR, else the newest comparable run of the default branch) and the noise of the runs
 * before it. An unreachable archive must not cost the run: it is judged without a baseline.
 */
export async function judgeRun(
  run: JobRun,
  current: RunResult,
  config: MlxbenchConfig,
  mergeBase: string | undefined,
): Promise<Verdict> {
  const verdictConfig = deriveVerdictConfig(config);
  const defaultBranch = run.job.repository.defaultBranch;
  let candidates: BaselineCandidate[];
  try {
    candidates = await listBaselineCandidates(run.deps.store, run.repo, {
      defaultBranch,
      limit: CANDIDATE_LIMIT,
    });
  } catch (err) {
    run.log.warn({ err }, "archive unreachable while choosing the baseline");
    return computeVerdict(current, null, [], verdictConfig, {
      noBaselineDetail: `the archive was unreachable: ${messageOf(err)}`,
    });
  }
  const choice = chooseBaseline({
    current,
    candidates,
    defaultBranch,
    ...(mergeBase ? { mergeBase } : {}),
  });
  if (!choice.found)
    return computeVerdict(current, null, [], verdictConfig, { noBaselineDetail: choice.detail });
  const comparable = candidates
    .filter((c) => diffFingerprintIdentity(current.fingerprint, c.fingerprint).length === 0)
    .slice(0, verdictConfig.noiseWindow);
  const [baseline, ...history] = await Promise.all([
    choice.baseline.loadResult(),
    ...comparable.map((c) =>
      c.loadResult().catch((err: unknown) => {
        run.log.warn({ err, runId: c.runId }, "a past run's result could not be read; left out");
        return null;
      }),
    ),
  ]);
  return computeVerdict(
    current,
    baseline,
    history.filter((h): h is RunResult => h !== null),
    verdictConfig,
  );
}
