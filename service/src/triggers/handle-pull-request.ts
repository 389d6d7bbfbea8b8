import type { PullRequestEvent } from "./payloads.js";
import { defaultSuite, toJobRepository } from "./job-draft-parts.js";
import { moveHead, startRun } from "./start-run.js";
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

/**
 * pull_request opened/synchronize/reopened/ready_for_review: a PR run that supersedes the runs of
 * older commits (push- or `/benchmark`-started). GitHub does not guarantee order, so the record of
 * the pull request decides, atomically, by pull_request.updated_at.
 */
export async function handlePullRequest(
  ctx: TriggerContext,
  event: PullRequestEvent,
): Promise<Outcome> {
  const pr = event.pull_request;
  if (pr.draft === true && !ctx.config.RUN_ON_DRAFTS)
    return ignored("draft pull request (RUN_ON_DRAFTS is off)");
  const updatedAt = Date.parse(pr.updated_at);
  if (isFromFork(event)) return markForkWaiting(ctx, event, updatedAt);

  return startRun(
    ctx,
    {
      installationId: ctx.installationId,
      repository: toJobRepository(event.repository),
      commit: { sha: pr.head.sha, ref: `refs/pull/${pr.number}/head` },
      trigger: "pull_request",
      pullRequest: {
        number: pr.number,
        baseSha: pr.base.sha,
        baseRef: pr.base.ref,
        fromFork: false,
      },
      suite: defaultSuite(),
      requestedBy: event.sender.login,
    },
    { origin: "push", track: { updatedAt, mode: "push" } },
  );
}

/**
 * Fork code never runs on our hardware by itself: the check says how to start it. The push still
 * moves the head, so a `/benchmark` run of the fork's older commit is superseded.
 */
async function markForkWaiting(
  ctx: TriggerContext,
  event: PullRequestEvent,
  updatedAt: number,
): Promise<Outcome> {
  const pr = event.pull_request;
  const [owner = "", repo = ""] = event.repository.full_name.split("/");
  const moved = await moveHead(ctx, event.repository.full_name, pr.number, pr.head.sha, updatedAt);
  if (moved.kind === "stale")
    return ignored(
      `stale delivery: PR #${pr.number} already has a newer state (${moved.headSha.slice(0, 7)})`,
    );
  if (moved.kind === "running")
    return ignored(
      `commit ${pr.head.sha.slice(0, 7)} is already queued or running as ${moved.jobId}`,
    );
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
