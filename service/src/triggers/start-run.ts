import { jobCancelKey, type BenchmarkJob } from "@mlxbench/proto";
import { InstallationNotFoundError, QueueUnavailableError } from "../errors.js";
import { isInstallationGone } from "../github/index.js";
import {
  commitJob,
  makeJobId,
  pullRequestRunsKey,
  registerPullRequestRun,
  type SupersededRun,
} from "../jobs/index.js";
import { deliveryKey } from "../webhooks/index.js";
import {
  cancelNote,
  concludeCheckRun,
  describeSuperseded,
  retireSuperseded,
} from "./retire-superseded.js";
import type { Outcome, TriggerContext } from "./trigger-context.js";
import { withBudget } from "./with-budget.js";
import { startPoolRun } from "./start-pool-run.js";
import type { JobDraft, StartOptions } from "./run-options.js";

export type { JobDraft, PullTracking, StartOptions } from "./run-options.js";

/** The archive page of a run, which the check run links to. */
export function runPageUrl(publicUrl: string, repoFullName: string, jobId: string): string {
  return `${publicUrl}/reports/${repoFullName}/runs/${encodeURIComponent(jobId)}`;
}

const NOT_QUEUED =
  "The job queue was unavailable, so this run was not queued. Redeliver the webhook or comment `/benchmark` to retry.";

/**
 * Starts a run in an order that leaves nothing behind when Redis fails part-way:
 * 1. (PR runs) register the run in its pull request's record, atomically superseding older
 *    commits' runs: a newer state recorded meanwhile makes this delivery stale, and nothing exists yet;
 * 2. create the check run `queued` (a GitHub failure only costs the check: the worker creates it),
 *    while superseded runs are removed and their check runs concluded;
 * 3. one MULTI adds the job, marks the delivery done and attaches the check run to the record;
 *    if it fails, the check run is concluded and the delivery is not acknowledged (503).
 */
export async function startRun(
  ctx: TriggerContext,
  draft: JobDraft,
  options: StartOptions,
): Promise<Outcome> {
  if (ctx.fleet) return startPoolRun(ctx, ctx.fleet, draft, options);
  const jobId = makeJobId(draft.trigger, draft.commit.sha, ctx.deliveryId);
  const repoName = draft.repository.fullName;
  const [owner = "", repo = ""] = repoName.split("/");
  const sha = draft.commit.sha;
  const { track } = options;
  const pr = draft.pullRequest;

  let pullRecordKey: string | undefined;
  let superseded: SupersededRun[] = [];
  if (track && pr) {
    pullRecordKey = pullRequestRunsKey(ctx.config.KEY_PREFIX, repoName, pr.number);
    const registered = await registerRun(ctx, pullRecordKey, {
      sha,
      updatedAt: track.updatedAt,
      jobId,
      trigger: draft.trigger,
      mode: track.mode,
    });
    if (registered.kind === "stale") {
      await track.onStale?.(registered.headSha);
      return {
        result: "ignored",
        reason: `stale delivery: PR #${pr.number} already has a run for a newer state (${registered.headSha.slice(0, 7)})`,
      };
    }
    if (registered.kind === "running") {
      return {
        result: "ignored",
        reason: `commit ${sha.slice(0, 7)} is already queued or running as ${registered.jobId}`,
      };
    }
    superseded = registered.superseded;
  }

  const [checkRunId] = await Promise.all([
    createQueuedCheck(ctx, draft, jobId, options.checkName ?? ctx.config.CHECK_NAME),
    ...superseded.map((run) =>
      retireSuperseded(ctx, repoName, run, describeSuperseded(run, sha, jobId)),
    ),
  ]);

  const job: BenchmarkJob = {
    schemaVersion: 1,
    jobId,
    ...draft,
    ...(checkRunId === undefined ? {} : { checkRunId }),
    queuedAt: ctx.now.toISOString(),
  };
  let commit;
  try {
    commit = await commitJob(ctx.queue, job, {
      deliveryKey: deliveryKey(ctx.config.KEY_PREFIX, ctx.deliveryId),
      dedupeTtlSeconds: ctx.config.DEDUPE_TTL_SECONDS,
      ...(pullRecordKey === undefined ? {} : { pullRecordKey }),
      timeoutMs: ctx.config.QUEUE_TIMEOUT_MS,
    });
  } catch (err) {
    if (checkRunId !== undefined)
      await concludeCheckRun(ctx, owner, repo, checkRunId, "Not queued", NOT_QUEUED);
    throw err;
  }

  if (commit.duplicate && checkRunId !== undefined) {
    // The job was stored by an earlier attempt of this delivery, with its own check run.
    await concludeCheckRun(
      ctx,
      owner,
      repo,
      checkRunId,
      "Duplicate",
      `This delivery was already queued as ${jobId}; its check run reports the run.`,
    );
  }
  if (!commit.attached && commit.headSha !== "" && commit.headSha !== sha) {
    // A newer push registered between our steps 1 and 3 and could not see this job yet.
    const note = describeSuperseded({ jobId, sha, trigger: draft.trigger }, commit.headSha);
    await retireSuperseded(
      ctx,
      repoName,
      { jobId, sha, trigger: draft.trigger, ...(checkRunId === undefined ? {} : { checkRunId }) },
      note,
    );
    return { result: "ignored", reason: note, jobId };
  }
  return {
    result: "queued",
    reason: `${draft.trigger} run of ${sha.slice(0, 7)}`,
    jobId,
    ...(checkRunId === undefined ? {} : { checkRunId }),
  };
}

/** Moves a pull request's head without a run (a fork's push): older runs are superseded. */
export async function moveHead(
  ctx: TriggerContext,
  repoName: string,
  number: number,
  sha: string,
  updatedAt: number,
): Promise<
  { kind: "stale"; headSha: string } | { kind: "running"; jobId: string } | { kind: "moved" }
> {
  const key = pullRequestRunsKey(ctx.config.KEY_PREFIX, repoName, number);
  const registered = await registerRun(ctx, key, {
    sha,
    updatedAt,
    trigger: "pull_request",
    mode: "push",
  });
  if (registered.kind !== "started") return registered;
  await Promise.all(
    registered.superseded.map((run) =>
      retireSuperseded(ctx, repoName, run, describeSuperseded(run, sha)),
    ),
  );
  return { kind: "moved" };
}

async function registerRun(
  ctx: TriggerContext,
  key: string,
  run: {
    sha: string;
    updatedAt: number;
    jobId?: string;
    trigger: string;
    mode: "push" | "command";
  },
) {
  try {
    return await registerPullRequestRun(ctx.redis, {
      key,
      ...run,
      now: ctx.now.getTime(),
      jobKeyPrefix: ctx.queue.toKey(""),
      cancelKeyPrefix: jobCancelKey("", ctx.config.KEY_PREFIX),
      cancelNote: cancelNote(run.sha),
    });
  } catch (err) {
    throw new QueueUnavailableError(`could not record the run in ${key}`, { cause: err });
  }
}

async function createQueuedCheck(
  ctx: TriggerContext,
  draft: JobDraft,
  jobId: string,
  name: string,
): Promise<number | undefined> {
  const [owner = "", repo = ""] = draft.repository.fullName.split("/");
  try {
    const { data } = await withBudget(ctx.config.GITHUB_BUDGET_MS, (signal) =>
      ctx.github.rest.checks.create({
        owner,
        repo,
        name,
        head_sha: draft.commit.sha,
        status: "queued",
        external_id: jobId,
        details_url: runPageUrl(ctx.config.PUBLIC_URL, draft.repository.fullName, jobId),
        output: { title: "Queued", summary: describeQueued(draft) },
        request: { signal },
      }),
    );
    return data.id;
  } catch (err) {
    if (isInstallationGone(err))
      throw new InstallationNotFoundError(ctx.installationId, { cause: err });
    ctx.log.warn({ err, jobId }, "check run not created; the worker will create it");
    return undefined;
  }
}

function describeQueued(draft: JobDraft): string {
  const mode = draft.suite.quick ? "quick" : "full";
  const who = draft.requestedBy;
  return `A ${mode} benchmark of \`${draft.commit.sha.slice(0, 7)}\` is waiting for the cluster (requested by @${who}).`;
}
