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

/** Step 4: the screen's verdict of this run's result (see judgeAgainstArchive). */
export async function judgeRun(
  run: JobRun,
  current: RunResult,
  config: MlxbenchConfig,
  mergeBase: string | undefined,
): Promise<Verdict> {
  return judgeAgainstArchive(
    { store: run.deps.store, log: run.log },
    run.job,
    current,
    config,
    mergeBase,
  );
}

/**
 * The verdict of `current` against the baseline the archive holds (the merge base's run for a PR,
 * else the newest comparable run of the default branch) and the noise of the runs before it. An
 * unreachable archive must not cost the run: it is judged without a baseline.
 */
export async function judgeAgainstArchive(
  io: { store: ArchiveStore; log: Pick<Logger, "warn"> },
  job: BenchmarkJob,
  current: RunResult,
  config: MlxbenchConfig,
  mergeBase: string | undefined,
): Promise<Verdict> {
  const verdictConfig = deriveVerdictConfig(config);
  const defaultBranch = job.repository.defaultBranch;
  let candidates: BaselineCandidate[];
  try {
    candidates = await listBaselineCandidates(io.store, job.repository.fullName, {
      defaultBranch,
      limit: CANDIDATE_LIMIT,
    });
  } catch (err) {
    io.log.warn({ err }, "archive unreachable while choosing the baseline");
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
  );
}
