import { readPullRequestRecord, supersedeJob, writePullRequestRecord } from "../jobs/index.js";
import type { PullRequestEvent } from "./payloads.js";
import { startRun } from "./start-run.js";
import { ignored, type Outcome, type TriggerContext } from "./trigger-context.js";
import { withBudget } from "./with-budget.js";

/** Whether the pull request's head lives in another repository (or one since deleted). */
export function isFromFork(event: PullRequestEvent): boolean {
  const head = event.pull_request.head.repo;
  return (
    head === null ||
    head.full_name.toLowerCase() !== event.pull_request.base.repo.full_name.toLowerCase()
  );
}

/** pull_request opened/synchronize/reopened/ready_for_review: a PR run, superseding the older one. */
export async function handlePullRequest(
  ctx: TriggerContext,
  event: PullRequestEvent,
): Promise<Outcome> {
  const pr = event.pull_request;
  const repo = event.repository.full_name;
  if (pr.draft === true && !ctx.config.RUN_ON_DRAFTS)
    return ignored("draft pull request (RUN_ON_DRAFTS is off)");
  if (isFromFork(event)) return markForkWaiting(ctx, event);

  const previous = await readPullRequestRecord(ctx.redis, ctx.config.KEY_PREFIX, repo, pr.number);
  if (previous && Date.parse(previous.updatedAt) > Date.parse(pr.updated_at)) {
    // Deliveries can arrive out of order: an older state must not replace a newer run.
    return ignored(
      `stale delivery: PR #${pr.number} already has a run for a newer state (${previous.sha.slice(0, 7)})`,
    );
  }
  if (previous && previous.sha === pr.head.sha) {
    const job = await ctx.queue.getJob(previous.jobId);
    const state = job ? await job.getState() : "unknown";
    if (
      state === "waiting" ||
      state === "active" ||
      state === "delayed" ||
      state === "prioritized"
    ) {
      return ignored(`commit ${pr.head.sha.slice(0, 7)} is already ${state} as ${previous.jobId}`);
    }
  }

  const outcome = await startRun(ctx, {
    installationId: ctx.installationId,
    repository: {
      fullName: repo,
      cloneUrl: event.repository.clone_url,
      defaultBranch: event.repository.default_branch,
      private: event.repository.private,
    },
    commit: { sha: pr.head.sha, ref: `refs/pull/${pr.number}/head` },
    trigger: "pull_request",
    pullRequest: { number: pr.number, baseSha: pr.base.sha, baseRef: pr.base.ref, fromFork: false },
    suite: { quick: true, skipValidation: false, skipCommunication: false },
    requestedBy: event.sender.login,
  });
  const jobId = outcome.jobId ?? "";
  await writePullRequestRecord(ctx.redis, ctx.config.KEY_PREFIX, repo, pr.number, {
    jobId,
    sha: pr.head.sha,
    updatedAt: pr.updated_at,
    ...(outcome.checkRunId === undefined ? {} : { checkRunId: outcome.checkRunId }),
  });
  if (previous && previous.sha !== pr.head.sha) {
    const note = `Superseded by a newer push (${pr.head.sha.slice(0, 7)}), benchmarked as ${jobId}.`;
    const how = await supersedeJob(
      ctx.queue,
      ctx.redis,
      ctx.config.KEY_PREFIX,
      previous.jobId,
      note,
    );
    ctx.log.info({ supersededJobId: previous.jobId, how }, "older PR job superseded");
    if (how !== "gone" && previous.checkRunId !== undefined) {
      await concludeSuperseded(ctx, repo, previous.checkRunId, note);
    }
  }
  return outcome;
}

async function concludeSuperseded(
  ctx: TriggerContext,
  repo: string,
  checkRunId: number,
  note: string,
): Promise<void> {
  const [owner = "", name = ""] = repo.split("/");
  try {
    await withBudget(ctx.config.GITHUB_BUDGET_MS, (signal) =>
      ctx.github.rest.checks.update({
        owner,
        repo: name,
        check_run_id: checkRunId,
        status: "completed",
        conclusion: "cancelled",
        completed_at: ctx.now.toISOString(),
        output: { title: "Superseded", summary: note },
        request: { signal },
      }),
    );
  } catch (err) {
    // The worker also sees the cancel signal; a missed PATCH only leaves a stale "queued".
    ctx.log.warn({ err, checkRunId }, "could not conclude the superseded check run");
  }
}

/** Fork code never runs on our hardware by itself: the check says how to start it. */
async function markForkWaiting(ctx: TriggerContext, event: PullRequestEvent): Promise<Outcome> {
  const pr = event.pull_request;
  const [owner = "", repo = ""] = event.repository.full_name.split("/");
  try {
    const { data } = await withBudget(ctx.config.GITHUB_BUDGET_MS, (signal) =>
      ctx.github.rest.checks.create({
        owner,
        repo,
        name: ctx.config.CHECK_NAME,
        head_sha: pr.head.sha,
        status: "completed",
        conclusion: "action_required",
        details_url: pr.html_url,
        output: {
          title: "Waiting for a maintainer",
          summary:
            "This pull request comes from a fork, and mlxbench never runs code from forks on its hardware by itself. " +
            "A user with write access can start a run by commenting `/benchmark` on the pull request.",
        },
        request: { signal },
      }),
    );
    return {
      result: "waiting",
      reason: "fork pull request: waits for /benchmark from a writer",
      checkRunId: data.id,
    };
  } catch (err) {
    ctx.log.warn({ err }, "could not create the fork-waiting check run");
    return { result: "waiting", reason: "fork pull request: waits for /benchmark from a writer" };
  }
}
