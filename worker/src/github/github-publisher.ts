import type { Octokit } from "@octokit/rest";
import type { Logger } from "pino";
import type { BenchmarkJob } from "@mlxbench/proto";
import { LIMITS, oneLine, truncateText } from "./limits.js";
import { CHECK_ACTIONS, commentMarker, type CheckCompletion, type Publisher } from "./publisher.js";

export interface GitHubPublisherOptions {
  octokit: Octokit;
  job: BenchmarkJob;
  checkName: string;
  /** The run's page, linked from the check run. */
  detailsUrl?: string;
  logger: Logger;
  now?: () => Date;
}

/** A request GitHub refused for good (4xx other than rate limits and timeouts): retrying cannot help. */
export function isPermanentGitHubError(err: unknown): boolean {
  const status = (err as { status?: unknown } | null)?.status;
  if (typeof status !== "number" || status < 400 || status >= 500) return false;
  if (status === 408 || status === 429) return false;
  if (status === 403) {
    const raw = (err as { message?: unknown }).message;
    const message = typeof raw === "string" ? raw : "";
    const remaining = (err as { response?: { headers?: Record<string, string | undefined> } })
      .response?.headers?.["x-ratelimit-remaining"];
    if (remaining === "0" || /rate limit/i.test(message)) return false;
  }
  return true;
}

/** Publishes to GitHub through an installation Octokit (retries and throttling are the Octokit's plugins). */
export function createGitHubPublisher(opts: GitHubPublisherOptions): Publisher {
  const { octokit, job, logger } = opts;
  const [owner = "", repo = ""] = job.repository.fullName.split("/");
  const now = opts.now ?? (() => new Date());
  let checkRunId = job.checkRunId;
  // Progress PATCHes go out in order, one at a time.
  let pending: { title: string; summary: string } | null = null;
  let inFlight: Promise<void> | null = null;
  let completing = false;

  const ensureCheck = async (status: "in_progress", summary: string): Promise<number> => {
    if (checkRunId !== undefined) return checkRunId;
    const { data } = await octokit.rest.checks.create({
      owner,
      repo,
      name: opts.checkName,
      head_sha: job.commit.sha,
      status,
      started_at: now().toISOString(),
      external_id: job.jobId,
      ...(opts.detailsUrl ? { details_url: opts.detailsUrl } : {}),
      // completeCheck creates the run with the final summary when nothing created it before.
      output: { title: "Running", summary: truncateText(summary, LIMITS.checkSummary) },
    });
    checkRunId = data.id;
    return data.id;
  };

  return {
    kind: "github",
    async startCheck(summary) {
      if (checkRunId === undefined) {
        await ensureCheck("in_progress", summary);
        return;
      }
      await octokit.rest.checks.update({
        owner,
        repo,
        check_run_id: checkRunId,
        status: "in_progress",
        started_at: now().toISOString(),
        ...(opts.detailsUrl ? { details_url: opts.detailsUrl } : {}),
        output: { title: "Running", summary: truncateText(summary, LIMITS.checkSummary) },
      });
    },
    progress(lines) {
      // Latest wins: one PATCH in flight at most, and a newer line list replaces a waiting one,
      // so GitHub's write throttling (≈1 write/s) never builds a queue that delays the verdict.
      pending = {
        title: oneLine(lines.at(-1) ?? "Running", LIMITS.checkTitle),
        summary: truncateText(lines.join("\n"), LIMITS.checkSummary),
      };
      inFlight ??= (async () => {
        while (pending && !completing) {
          const next = pending;
          pending = null;
          try {
            const id = await ensureCheck("in_progress", next.summary);
            await octokit.rest.checks.update({ owner, repo, check_run_id: id, output: next });
          } catch (err) {
            logger.warn({ err }, "progress not shown on the check run");
          }
        }
        inFlight = null;
      })();
      return inFlight;
    },
    async completeCheck(c: CheckCompletion) {
      completing = true;
      pending = null;
      await inFlight;
      const id = await ensureCheck("in_progress", c.summary);
      const annotations = c.annotations ?? [];
      const first = annotations.slice(0, LIMITS.annotationsPerRequest);
      const output = {
        title: oneLine(c.title, LIMITS.checkTitle),
        summary: truncateText(c.summary, LIMITS.checkSummary),
        ...(c.text ? { text: truncateText(c.text, LIMITS.checkText) } : {}),
      };
      await octokit.rest.checks.update({
        owner,
        repo,
        check_run_id: id,
        status: "completed",
        conclusion: c.conclusion,
        completed_at: now().toISOString(),
        output: { ...output, ...(first.length ? { annotations: first } : {}) },
        actions: CHECK_ACTIONS.map((a) => ({ ...a })),
      });
      // Further annotations are appended 50 per request.
      for (
        let i = LIMITS.annotationsPerRequest;
        i < annotations.length;
        i += LIMITS.annotationsPerRequest
      ) {
        await octokit.rest.checks.update({
          owner,
          repo,
          check_run_id: id,
          output: {
            ...output,
            annotations: annotations.slice(i, i + LIMITS.annotationsPerRequest),
          },
        });
      }
    },
    async upsertPrComment(prNumber, body) {
      const marker = commentMarker(opts.checkName);
      const full = truncateText(`${marker}\n${body}`, LIMITS.commentBody);
      const comments = await octokit.paginate(octokit.rest.issues.listComments, {
        owner,
        repo,
        issue_number: prNumber,
        per_page: 100,
      });
      // Ours starts with the marker; a person's reply may quote it further in.
      const mine = comments.find((c) => c.body?.startsWith(marker));
      if (mine) {
        await octokit.rest.issues.updateComment({ owner, repo, comment_id: mine.id, body: full });
        return "updated";
      }
      await octokit.rest.issues.createComment({ owner, repo, issue_number: prNumber, body: full });
      return "created";
    },
    async answerGate(state, comment) {
      const d = job.deployment;
      if (!d) return;
      const short = oneLine(comment, 1000);
      if (d.runId !== undefined) {
        await octokit.rest.actions.reviewCustomGatesForRun({
          owner,
          repo,
          run_id: d.runId,
          environment_name: d.environment,
          state,
          comment: short,
        });
      } else {
        await octokit.request({
          method: "POST",
          url: d.callbackUrl,
          environment_name: d.environment,
          state,
          comment: short,
        });
      }
    },
  };
}
