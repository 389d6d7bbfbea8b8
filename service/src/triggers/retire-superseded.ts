import { removeRetiredPoolJob } from "../fleet/index.js";
import { removeSupersededJob, type SupersededRun } from "../jobs/index.js";
import type { TriggerContext } from "./trigger-context.js";
import { withBudget } from "./with-budget.js";

/** The note a superseded run's check run is concluded with, by what started that run. */
export function describeSuperseded(run: SupersededRun, newSha: string, newJobId?: string): string {
  const by = `Superseded by a newer push (${newSha.slice(0, 7)})`;
  if (run.trigger === "comment") {
    return `${by}: this \`/benchmark\` run was for ${run.sha.slice(0, 7)}, which is no longer the pull request's head. Comment \`/benchmark\` again to benchmark the new head with these options.`;
  }
  return newJobId === undefined ? `${by}.` : `${by}, benchmarked as ${newJobId}.`;
}

/** The cancel key's reason, which the worker shows if the run was already active. */
export const cancelNote = (newSha: string): string =>
  `Superseded by a newer push (${newSha.slice(0, 7)}).`;

/**
 * Clears up after a run a newer push superseded: its cancel key is already set, so this only
 * removes it from the queue if it is waiting and concludes its check run. Both are best effort.
 */
export async function retireSuperseded(
  ctx: TriggerContext,
  repoFullName: string,
  run: SupersededRun,
  note: string,
): Promise<void> {
  const [owner = "", repo = ""] = repoFullName.split("/");
  const { fleet } = ctx;
  // A pool's job is removed from its pool's queue; with pools off it stops on its cancel key.
  const removal =
    run.pool === undefined
      ? removeSupersededJob(ctx.queue, run.jobId)
      : fleet
        ? removeRetiredPoolJob(
            { redis: ctx.redis, keyPrefix: ctx.config.KEY_PREFIX, queueFor: fleet.queueFor },
            run,
            repoFullName,
          )
        : Promise.resolve("signalled" as const);
  const removing = removal.then(
    (how) => ctx.log.info({ supersededJobId: run.jobId, how }, "older PR job superseded"),
    (err: unknown) =>
      ctx.log.warn({ err, supersededJobId: run.jobId }, "could not remove the superseded job"),
  );
  const concluding =
    run.checkRunId === undefined
      ? Promise.resolve()
      : concludeCheckRun(ctx, owner, repo, run.checkRunId, "Superseded", note);
  await Promise.all([removing, concluding]);
}

/** Concludes a check run `cancelled` with a note; a failure is logged, never thrown. */
export async function concludeCheckRun(
  ctx: TriggerContext,
  owner: string,
  repo: string,
  checkRunId: number,
  title: string,
  summary: string,
): Promise<void> {
  try {
    await withBudget(ctx.config.GITHUB_BUDGET_MS, (signal) =>
      ctx.github.rest.checks.update({
        owner,
        repo,
        check_run_id: checkRunId,
        status: "completed",
        conclusion: "cancelled",
        completed_at: ctx.now.toISOString(),
        output: { title, summary },
        request: { signal },
      }),
    );
  } catch (err) {
    ctx.log.warn({ err, checkRunId }, "could not conclude the check run");
  }
}
