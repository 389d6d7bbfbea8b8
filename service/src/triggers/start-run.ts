import type { BenchmarkJob } from "@mlxbench/proto";
import { InstallationNotFoundError } from "../errors.js";
import { isInstallationGone } from "../github/index.js";
import { enqueueJob, makeJobId } from "../jobs/index.js";
import type { Outcome, TriggerContext } from "./trigger-context.js";
import { withBudget } from "./with-budget.js";

export type JobDraft = Omit<BenchmarkJob, "schemaVersion" | "jobId" | "checkRunId" | "queuedAt">;

/** The archive page of a run, which the check run links to. */
export function runPageUrl(publicUrl: string, repoFullName: string, jobId: string): string {
  return `${publicUrl}/reports/${repoFullName}/runs/${encodeURIComponent(jobId)}`;
}

/**
 * Creates the check run as `queued`, then adds the job. A GitHub failure only costs the check
 * (the worker creates it); a queue failure throws, so the delivery is not acknowledged.
 */
export async function startRun(
  ctx: TriggerContext,
  draft: JobDraft,
  checkName?: string,
): Promise<Outcome> {
  const jobId = makeJobId(draft.trigger, draft.commit.sha, ctx.deliveryId);
  const [owner = "", repo = ""] = draft.repository.fullName.split("/");
  const log = ctx.log.child({ jobId });
  let checkRunId: number | undefined;
  try {
    const { data } = await withBudget(ctx.config.GITHUB_BUDGET_MS, (signal) =>
      ctx.github.rest.checks.create({
        owner,
        repo,
        name: checkName ?? ctx.config.CHECK_NAME,
        head_sha: draft.commit.sha,
        status: "queued",
        external_id: jobId,
        details_url: runPageUrl(ctx.config.PUBLIC_URL, draft.repository.fullName, jobId),
        output: { title: "Queued", summary: describeQueued(draft) },
        request: { signal },
      }),
    );
    checkRunId = data.id;
  } catch (err) {
    if (isInstallationGone(err))
      throw new InstallationNotFoundError(ctx.installationId, { cause: err });
    log.warn({ err }, "check run not created; the worker will create it");
  }
  const job: BenchmarkJob = {
    schemaVersion: 1,
    jobId,
    ...draft,
    ...(checkRunId === undefined ? {} : { checkRunId }),
    queuedAt: ctx.now.toISOString(),
  };
  try {
    await enqueueJob(ctx.queue, ctx.redis, job, ctx.config.QUEUE_TIMEOUT_MS);
  } catch (err) {
    if (checkRunId !== undefined) await concludeUnqueued(ctx, owner, repo, checkRunId);
    throw err;
  }
  log.info({ checkRunId, trigger: draft.trigger, sha: draft.commit.sha }, "job queued");
  return {
    result: "queued",
    reason: `${draft.trigger} run of ${draft.commit.sha.slice(0, 7)}`,
    jobId,
    ...(checkRunId === undefined ? {} : { checkRunId }),
  };
}

function describeQueued(draft: JobDraft): string {
  const mode = draft.suite.quick ? "quick" : "full";
  const who = draft.requestedBy;
  return `A ${mode} benchmark of \`${draft.commit.sha.slice(0, 7)}\` is waiting for the cluster (requested by @${who}).`;
}

async function concludeUnqueued(
  ctx: TriggerContext,
  owner: string,
  repo: string,
  checkRunId: number,
): Promise<void> {
  try {
    await withBudget(ctx.config.GITHUB_BUDGET_MS, (signal) =>
      ctx.github.rest.checks.update({
        owner,
        repo,
        check_run_id: checkRunId,
        conclusion: "cancelled",
        output: {
          title: "Not queued",
          summary:
            "The job queue was unavailable, so this run was not queued. Redeliver the webhook or comment `/benchmark` to retry.",
        },
        request: { signal },
      }),
    );
  } catch (err) {
    ctx.log.warn({ err, checkRunId }, "could not conclude the check of an unqueued job");
  }
}
