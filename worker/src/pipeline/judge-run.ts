import type { BenchmarkJob, MlxbenchConfig, RunResult } from "@mlxbench/proto";
import {
  listBaselineCandidates,
  type ArchiveStore,
  type BaselineCandidate,
} from "@mlxbench/archive";
import {
  chooseBaseline,
  computeVerdict,
  deriveVerdictConfig,
  diffFingerprintIdentity,
  type Verdict,
} from "@mlxbench/verdict";
import type { Logger } from "pino";
import { messageOf } from "./errors.js";
import type { JobRun } from "./job-run.js";

/** Past runs read for a baseline: enough for the noise window, bounded on a busy archive. */
const CANDIDATE_LIMIT = 200;

/** What the baseline is chosen by: the PR's merge-base, or the commit `/benchmark --compare` named. */
export interface BaselineTarget {
  mergeBase?: string | undefined;
  pinned?: { commit: string; label: string } | undefined;
}

/** Step 4: the screen's verdict of this run's result (see judgeAgainstArchive). */
export async function judgeRun(
  run: JobRun,
  current: RunResult,
  config: MlxbenchConfig,
  target: BaselineTarget,
): Promise<Verdict> {
  return judgeAgainstArchive(
    { store: run.deps.store, log: run.log },
    run.job,
    current,
    config,
    target,
  );
}

/**
 * The verdict of `current` against the baseline the archive holds (the pinned commit's run, else
 * the merge base's run for a PR, else the newest comparable run of the default branch) and the
 * noise of the default branch's runs. An unreachable archive must not cost the run: it is judged
 * without a baseline.
 */
export async function judgeAgainstArchive(
  io: { store: ArchiveStore; log: Pick<Logger, "warn"> },
  job: BenchmarkJob,
  current: RunResult,
  config: MlxbenchConfig,
  target: BaselineTarget,
): Promise<Verdict> {
  const { mergeBase, pinned } = target;
  const verdictConfig = deriveVerdictConfig(config);
  const defaultBranch = job.repository.defaultBranch;
  let candidates: BaselineCandidate[];
  let choosable: BaselineCandidate[];
  try {
    const list = (commit?: string) =>
      listBaselineCandidates(io.store, job.repository.fullName, {
        defaultBranch,
        limit: CANDIDATE_LIMIT,
        ...(commit === undefined ? {} : { commit }),
      });
    candidates = await list();
    choosable = pinned === undefined ? candidates : await list(pinned.commit);
  } catch (err) {
    io.log.warn({ err }, "archive unreachable while choosing the baseline");
    return computeVerdict(current, null, [], verdictConfig, {
      noBaselineDetail: `the archive was unreachable: ${messageOf(err)}`,
    });
  }
  const choice = chooseBaseline({
    current,
    currentRunId: job.jobId,
    candidates: choosable,
    defaultBranch,
    ...(mergeBase ? { mergeBase } : {}),
    ...(pinned ? { pinned } : {}),
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
        io.log.warn({ err, runId: c.runId }, "a past run's result could not be read; left out");
        return null;
      }),
    ),
  ]);
  return computeVerdict(
    current,
    baseline,
    history.filter((h): h is RunResult => h !== null),
    verdictConfig,
    // The archive's id, not the suite's: links to the baseline's page and compare resolve by it.
    { baselineRunId: choice.baseline.runId },
  );
}
