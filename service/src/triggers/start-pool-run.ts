import { MlxbenchConfigError, type BenchmarkJob } from "@mlxbench/proto";
import { InstallationNotFoundError } from "../errors.js";
import { enqueuePoolJobs, readRunsOn, CONFIG_PATH } from "../fleet/index.js";
import { isInstallationGone } from "../github/index.js";
import { makeJobId } from "../jobs/index.js";
import { deliveryKey } from "../webhooks/index.js";
import { describeSuperseded, retireSuperseded } from "./retire-superseded.js";
import type { JobDraft, StartOptions } from "./run-options.js";
import type { FleetContext, Outcome, TriggerContext } from "./trigger-context.js";

/**
 * startRun when the app routes to runner pools (RUNNER_POOLS): reads `runs-on` at the commit,
 * then one job and check run per pool (enqueuePoolJobs). A pull request's run is registered in the
 * same record as single-queue runs, so a newer push supersedes older jobs in every pool once.
 */
export async function startPoolRun(
  ctx: TriggerContext,
  fleet: FleetContext,
  draft: JobDraft,
  options: StartOptions,
): Promise<Outcome> {
  const jobId = makeJobId(draft.trigger, draft.commit.sha, ctx.deliveryId);
  const repoName = draft.repository.fullName;
  const [owner = "", name = ""] = repoName.split("/");
  const sha = draft.commit.sha;
  const checkName = options.checkName ?? ctx.config.CHECK_NAME;
  let labels: string[];
  try {
    labels = await readRunsOn(ctx.github, { owner, name }, sha, fleet.runsOnCache);
  } catch (err) {
    if (isInstallationGone(err))
      throw new InstallationNotFoundError(ctx.installationId, { cause: err });
    if (!(err instanceof MlxbenchConfigError)) throw err;
    await ctx.github.rest.checks.create({
      owner,
      repo: name,
      name: checkName,
      head_sha: sha,
      status: "completed",
      conclusion: "neutral",
      output: { title: `Invalid ${CONFIG_PATH}`, summary: err.message },
    });
    return { result: "ignored", reason: `invalid ${CONFIG_PATH}: ${err.message}` };
  }

  const job: BenchmarkJob = { schemaVersion: 1, jobId, ...draft, queuedAt: ctx.now.toISOString() };
  const { track } = options;
  const outcomes = await enqueuePoolJobs({
    redis: ctx.redis,
    keyPrefix: ctx.config.KEY_PREFIX,
    queueFor: fleet.queueFor,
    octokit: ctx.github,
    checkName,
    job,
    labels,
    origin: options.origin,
    now: () => ctx.now.getTime(),
    // An untracked run of a pull request (a re-run) is stale only once another head is recorded.
    track: track
      ? { updatedAt: track.updatedAt, mode: track.mode }
      : { updatedAt: 0, mode: "command" },
    queueKeyPrefix: ctx.queue.toKey(""),
    onRetired: (run) => retireSuperseded(ctx, repoName, run, describeSuperseded(run, sha, jobId)),
  });

  const notStarted = outcomes.find((o) => o.status === "stale" || o.status === "running");
  if (notStarted?.status === "stale") {
    await track?.onStale?.(notStarted.detail);
    const number = draft.pullRequest?.number ?? 0;
    return {
      result: "ignored",
      reason: `stale delivery: PR #${number} already has a run for a newer state (${notStarted.detail.slice(0, 7)})`,
    };
  }
  if (notStarted?.status === "running") {
    return {
      result: "ignored",
      reason: `commit ${sha.slice(0, 7)} is already queued or running as ${notStarted.detail}`,
    };
  }
  const queued = outcomes.flatMap((o) => (o.status === "queued" ? [o.label] : []));
  const unknown = outcomes.flatMap((o) => (o.status === "unknown-label" ? [o.label] : []));
  if (queued.length === 0) {
    return { result: "ignored", reason: `no runner pool labelled ${unknown.join(", ")}` };
  }
  await ctx.redis.set(
    deliveryKey(ctx.config.KEY_PREFIX, ctx.deliveryId),
    "done",
    "EX",
    ctx.config.DEDUPE_TTL_SECONDS,
  );
  return {
    result: "queued",
    reason:
      `${draft.trigger} run of ${sha.slice(0, 7)} on ${queued.join(", ")}` +
      (unknown.length ? `; no runner pool labelled ${unknown.join(", ")}` : ""),
    jobId,
  };
}
