import { MIN_CONFIRMATION_PAIRS } from "@mlxbench/proto";
import { GitHubUnavailableError, InstallationNotFoundError } from "../errors.js";
import { hasWritePermission, isInstallationGone } from "../github/index.js";
import type { IssueCommentEvent } from "./payloads.js";
import { BENCHMARK_USAGE, parseBenchmarkCommand } from "./parse-benchmark-command.js";
import { toJobRepository } from "./job-draft-parts.js";
import { startRun } from "./start-run.js";
import { ignored, type Outcome, type TriggerContext } from "./trigger-context.js";
import { withBudget } from "./with-budget.js";

/** Associations that prove write access by themselves; anything else is asked of the API. */
const ALLOWING_ASSOCIATIONS = new Set(["OWNER"]);

export const HELP_TEXT = [
  "**mlxbench** runs the benchmark suite of this pull request's head commit on the cluster.",
  "",
  `Usage: ${BENCHMARK_USAGE}`,
  "",
  "- `quick` (default) or `full`: the suite's quick mode or all iterations",
  `- \`confirm [pairs]\`: after the usual comparison, run this commit and its merge-base interleaved (A/B/B/A) on the same cluster for that many pairs (at least ${MIN_CONFIRMATION_PAIRS}; default: as many as the noise needs, at most \`confirmation.max_pairs\`) and decide on the paired differences`,
  "- `--iterations N`: iterations per component (1–10000)",
  "- `--skip-communication`: skip the gRPC communication benchmarks",
  "- `--compare <ref>`: compare against this branch, tag or SHA instead of the default branch's baseline",
  "",
  "Only users with write, maintain or admin permission can start a run.",
].join("\n");

/** issue_comment created: `/benchmark [options]` on a pull request. */
export async function handleIssueComment(
  ctx: TriggerContext,
  event: IssueCommentEvent,
): Promise<Outcome> {
  if (!event.issue.pull_request) return ignored("comment on an issue, not a pull request");
  if (event.sender.type === "Bot") return ignored("comment by a bot");
  const command = parseBenchmarkCommand(event.comment.body);
  if (!command) return ignored("not a /benchmark command");

  const [owner = "", repo = ""] = event.repository.full_name.split("/");
  const number = event.issue.number;
  const user = event.sender.login;
  await react(ctx, owner, repo, event.comment.id);

  if (command.kind === "invalid") {
    await reply(
      ctx,
      owner,
      repo,
      number,
      `@${user} ${command.problem}.\n\nUsage: ${BENCHMARK_USAGE}`,
    );
    return { result: "refused", reason: command.problem };
  }
  if (command.kind === "help") {
    await reply(ctx, owner, repo, number, HELP_TEXT);
    return { result: "replied", reason: "help" };
  }

  const allowed =
    ALLOWING_ASSOCIATIONS.has(event.comment.author_association) ||
    (await hasWritePermission(ctx.github, ctx.installationId, owner, repo, user));
  if (!allowed) {
    await reply(
      ctx,
      owner,
      repo,
      number,
      `@${user} only users with write, maintain or admin permission on this repository can start a benchmark run.`,
    );
    return { result: "refused", reason: `${user} lacks write permission` };
  }

  const pull = await getPull(ctx, owner, repo, number);
  const fromFork =
    pull.head.repo === null ||
    pull.head.repo.full_name.toLowerCase() !== event.repository.full_name.toLowerCase();
  // The head this command saw, on GitHub's clock: a push recorded later than that supersedes it.
  const seenAt = Date.parse(pull.updated_at);
  const onStale = async (headSha: string) => {
    await reply(
      ctx,
      owner,
      repo,
      number,
      `@${user} the pull request moved on to ${headSha.slice(0, 7)} while this command was processed, so ${pull.head.sha.slice(0, 7)} was not benchmarked. The push queues its own run; comment \`/benchmark\` again to run the new head with these options.`,
    );
  };
  return startRun(
    ctx,
    {
      installationId: ctx.installationId,
      repository: toJobRepository(event.repository),
      commit: { sha: pull.head.sha, ref: `refs/pull/${number}/head` },
      trigger: "comment",
      pullRequest: { number, baseSha: pull.base.sha, baseRef: pull.base.ref, fromFork },
      suite: {
        quick: command.quick,
        quickExplicit: command.quickExplicit,
        skipValidation: false,
        skipCommunication: command.skipCommunication,
        ...(command.iterations === undefined ? {} : { iterations: command.iterations }),
        ...(command.compareRef === undefined ? {} : { compareRef: command.compareRef }),
        ...(command.confirm === undefined ? {} : { confirm: command.confirm }),
      },
      requestedBy: user,
    },
    {
      origin: "comment",
      track: { updatedAt: Number.isNaN(seenAt) ? 0 : seenAt, mode: "command", onStale },
    },
  );
}

interface PullHead {
  head: { sha: string; repo: { full_name: string } | null };
  base: { sha: string; ref: string };
  updated_at: string;
}

async function getPull(
  ctx: TriggerContext,
  owner: string,
  repo: string,
  number: number,
): Promise<PullHead> {
  try {
    const { data } = await withBudget(ctx.config.GITHUB_BUDGET_MS, (signal) =>
      ctx.github.rest.pulls.get({ owner, repo, pull_number: number, request: { signal } }),
    );
    return data;
  } catch (err) {
    if (isInstallationGone(err))
      throw new InstallationNotFoundError(ctx.installationId, { cause: err });
    throw new GitHubUnavailableError(`could not read pull request #${number} of ${owner}/${repo}`, {
      cause: err,
    });
  }
}

/** 👀 says "seen"; it is a courtesy, so a failure is logged and the command goes on. */
async function react(
  ctx: TriggerContext,
  owner: string,
  repo: string,
  commentId: number,
): Promise<void> {
  try {
    await withBudget(ctx.config.GITHUB_BUDGET_MS, (signal) =>
      ctx.github.rest.reactions.createForIssueComment({
        owner,
        repo,
        comment_id: commentId,
        content: "eyes",
        request: { signal },
      }),
    );
  } catch (err) {
    if (isInstallationGone(err))
      throw new InstallationNotFoundError(ctx.installationId, { cause: err });
    ctx.log.warn({ err, commentId }, "could not react to the comment");
  }
}

async function reply(
  ctx: TriggerContext,
  owner: string,
  repo: string,
  number: number,
  body: string,
): Promise<void> {
  try {
    await withBudget(ctx.config.GITHUB_BUDGET_MS, (signal) =>
      ctx.github.rest.issues.createComment({
        owner,
        repo,
        issue_number: number,
        body,
        request: { signal },
      }),
    );
  } catch (err) {
    ctx.log.warn({ err, number }, "could not reply to the comment");
  }
}
