import { join } from "node:path";
import { archiveRunDurably, type ArchiveRunInput, type RunArtifact } from "@mlxbench/archive";
import { summarizeVerdict } from "@mlxbench/verdict";
import { filesUnder } from "./collect-artifacts.js";
import { branchOf, isDefaultBranchRun } from "./job-context.js";
import type { JobRun } from "./job-run.js";
import type { Outcome } from "./outcome.js";

export type ArchiveResult = { where: "archive" | "spool" } | { where: "nowhere"; error: unknown };

/** What the archive keeps of a run: its meta (times on the run's clock), result, verdict, files. */
export function buildArchiveInput(
  run: JobRun,
  o: Outcome,
  summary: string,
  artifacts: RunArtifact[],
  finishedAt: number,
): ArchiveRunInput {
  const { job } = run;
  // A reused run's result stays only in that run: a copy would count twice as history.
  const ownResult = o.reusedRunId ? null : o.runResult;
  return {
    meta: {
      runId: job.jobId,
      repository: run.repo,
      private: job.repository.private,
      commit: job.commit.sha,
      branch: branchOf(job),
      defaultBranch: job.repository.defaultBranch,
      ...(job.pullRequest ? { pullRequest: job.pullRequest.number } : {}),
      trigger: job.trigger,
      requestedBy: job.requestedBy,
      startedAt: new Date(run.startedAt).toISOString(),
      finishedAt: new Date(finishedAt).toISOString(),
      durationMs: finishedAt - run.startedAt,
      conclusion: o.conclusion,
      reason: listReason(o),
      ...(ownResult ? { fingerprint: ownResult.fingerprint } : {}),
    },
    runResult: ownResult,
    verdict: o.verdict,
    summaryMarkdown: summary,
    artifacts,
    isBaseline: isDefaultBranchRun(job) && ownResult !== null && o.conclusion !== "cancelled",
  };
}

/**
 * The runs list's one line: the verdict's counts and headline change when metrics were compared
 * (a clean run's reason would list every metric), else the outcome's reason.
 */
export function listReason(o: Pick<Outcome, "reason" | "verdict" | "reusedRunId">): string {
  const own = o.reason.split("\n")[0] ?? "";
  if (o.verdict === null || o.verdict.metrics.length === 0) return own;
  const line = summarizeVerdict(o.verdict).line;
  return o.reusedRunId ? `reused run ${o.reusedRunId}: ${line}` : line;
}

/**
 * Step 6: the run into the archive, or the spool when the archive cannot take it now. Not even
 * the spool taking it (a full disk) is reported, not thrown: the verdict is still published.
 */
export async function archiveOutcome(
  run: JobRun,
  o: Outcome,
  summary: string,
  artifacts: RunArtifact[],
  finishedAt: number,
): Promise<ArchiveResult> {
  // The publisher's files (a dry run's check run and comment) go with the run.
  const published = await filesUnder(join(run.runDir, "github"), run.runDir);
  try {
    const done = await archiveRunDurably(
      buildArchiveInput(run, o, summary, [...artifacts, ...published], finishedAt),
      {
        store: run.deps.store,
        spoolDir: run.deps.spoolDir,
        ...(run.deps.uploadRetry ? { retry: run.deps.uploadRetry } : {}),
        logger: run.log,
      },
    );
    return { where: done.where };
  } catch (error) {
    run.log.error(
      { err: error, runDir: run.runDir },
      "run neither archived nor spooled; its folder is kept",
    );
    return { where: "nowhere", error };
  }
}
