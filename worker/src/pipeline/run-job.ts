import { rm } from "node:fs/promises";
import type { BenchmarkJob, RunResult } from "@mlxbench/proto";
import { loadRunResult } from "@mlxbench/archive";
import type { Checkout } from "../checkout/index.js";
import { renderSummary } from "../github/index.js";
import { archiveOutcome } from "./archive-outcome.js";
import { checkoutCommit, resolveCompareRef } from "./checkout-commit.js";
import { classifyFailure } from "./classify-failure.js";
import { timed } from "./clock.js";
import { changeChartLinks, type ChangeChart } from "./change-chart-images.js";
import { chartLinks, collectArtifacts } from "./collect-artifacts.js";
import { messageOf, PermanentJobError } from "./errors.js";
import {
  createJobRun,
  type JobRun,
  type PipelineDeps,
  type RunJobOptions,
  type RunTimings,
} from "./job-run.js";
import { createMeasurement, type Measurement } from "./measure-suite.js";
import { judgeRun } from "./judge-run.js";
import { concludeFailure, verdictOutcome, type Outcome } from "./outcome.js";
import { publishOutcome } from "./publish-outcome.js";
import { readJobConfig } from "./read-job-config.js";
import { summaryInputOf } from "./render-check.js";
import { findArchivedRun, republishArchived } from "./republish-archived.js";
import { escalateScreen } from "./escalate-screen.js";
import { runConfirmationPairs, type ConfirmationInput } from "./run-confirmation-pairs.js";

export type { PipelineDeps, RunJobOptions, RunTimings } from "./job-run.js";

export interface RunJobOutcome {
  conclusion: Outcome["conclusion"];
  reason: string;
  archivedIn: "archive" | "spool" | "already-archived";
  /** Timing of the run on the deps' clock, for the pipeline benchmark. */
  timings: RunTimings;
}

/**
 * One benchmark job from checkout to published verdict. Every step shows on the check run; the
 * cluster is always stopped and the checkout removed; the run is archived (or spooled) before it
 * is published, so a GitHub outage never loses it, and a retry of the job only republishes.
 * A failure classifyFailure calls `retry` or `fatal` is thrown for the queue; the rest conclude.
 */
export async function runJob(
  job: BenchmarkJob,
  deps: PipelineDeps,
  options: RunJobOptions = {},
): Promise<RunJobOutcome> {
  const run = await createJobRun(job, deps, options);
  const archived = await findArchivedRun(run);
  if (archived) {
    const o = await republishArchived(run, archived);
    return { ...resultOf(o), archivedIn: "already-archived", timings: timingsOf(run) };
  }
  await run.publisher
    .startCheck(`Benchmarking \`${job.commit.sha.slice(0, 7)}\` (attempt ${run.attempt}).`)
    // The run goes on: its verdict is published at the end, when GitHub may be back.
    .catch((err: unknown) => run.log.warn({ err }, "check run not set in progress"));
  const outcome = await measureAndJudge(run);
  const artifacts = await collectArtifacts(run, outcome);
  const summary = renderSummary(
    summaryInputOf(
      outcome,
      job.commit.sha,
      run.runUrl,
      chartLinks(artifacts, run.runUrl),
      await changeChartsOf(run, outcome, deps),
    ),
  );
  const finishedAt = run.clock.now();
  const archive = () => archiveOutcome(run, outcome, summary, artifacts, finishedAt);
  const publish = () => publishOutcome(run, outcome, summary);
  const addTo = (key: "archiveMs" | "publishMs") => (ms: number) => (run.timings[key] += ms);
  let stored;
  if (run.publisher.kind === "dry-run") {
    // Nothing can fail on the way to files: publish first so the archive holds what would be posted.
    await timed(run.clock, publish, addTo("publishMs"));
    stored = await timed(run.clock, archive, addTo("archiveMs"));
  } else {
    stored = await timed(run.clock, archive, addTo("archiveMs"));
    await timed(run.clock, publish, addTo("publishMs"));
  }
  if (stored.where === "nowhere")
    throw new PermanentJobError(
      `the run was published but not archived (kept in ${run.runDir}): ${messageOf(stored.error)}`,
      { cause: stored.error },
    );
  if (!deps.keepRunDirs) await rm(run.runDir, { recursive: true, force: true });
  return { ...resultOf(outcome), archivedIn: stored.where, timings: timingsOf(run) };
}

/** The comment's baseline-vs-run charts; the baseline's samples are read back from the archive. */
async function changeChartsOf(run: JobRun, o: Outcome, deps: PipelineDeps): Promise<ChangeChart[]> {
  const baselineId = o.verdict?.baseline?.runId;
  if (!baselineId || !o.runResult) return [];
  const baseline = await loadRunResult(deps.store, run.job.repository.fullName, baselineId).catch(
    (err: unknown) => {
      run.log.warn({ err, baselineId }, "baseline samples unreadable: no change charts");
      return null;
    },
  );
  return changeChartLinks(o.verdict, o.runResult, baseline, {
    quickChartUrl: deps.quickChartUrl ?? "https://quickchart.io",
    quickChartChosen: deps.quickChartUrl !== undefined,
    isPrivate: run.job.repository.private,
    ...(run.runUrl ? { runUrl: run.runUrl } : {}),
  });
}

/** Checkout, config, cluster and suite, verdict: the outcome, or the failure thrown for the queue. */
async function measureAndJudge(run: JobRun): Promise<Outcome> {
  let checkout: Checkout | undefined;
  let measurement: Measurement | undefined;
  try {
    checkout = await checkoutCommit(run);
    const plan = await readJobConfig(run, checkout.dir);
    if (plan.kind === "done") return plan.outcome;
    const { config } = plan;
    const target = { mergeBase: checkout.mergeBase, pinned: await resolveCompareRef(run) };
    measurement = createMeasurement(run, checkout.dir, config, plan.profile);
    await measurement.startCluster();
    const head = measurement;
    const first = await head.runSuite(run.outputDir);
    run.signal?.throwIfAborted();
    run.step("comparing with the baseline");
    const judge = (r: RunResult) => judgeRun(run, r, config, target);
    const screen = await judge(first);
    const confirmation: ConfirmationInput = {
      head,
      baseSha: target.pinned?.commit ?? target.mergeBase ?? screen.baseline?.commit ?? undefined,
      config,
      profile: plan.profile,
    };
    const judged = await escalateScreen(run, { runResult: first, verdict: screen }, confirmation, {
      runSuiteAgain: (dir) => head.runSuite(dir),
      runPairs: (pairs, first) => runConfirmationPairs(run, confirmation, pairs, first),
      judge,
    });
    return verdictOutcome(judged, config);
  } catch (err) {
    return await concludeOrThrow(run, err);
  } finally {
    // Never leave a cluster running, whatever happened above.
    await measurement?.cluster.stopAll();
    await checkout?.remove().catch((err: unknown) => run.log.warn({ err }, "checkout not removed"));
  }
}

/** The one retry policy applied: a failure the queue retries (or a fatal one) is thrown. */
async function concludeOrThrow(run: JobRun, err: unknown): Promise<Outcome> {
  const aborted = run.signal?.aborted === true;
  // An aborted run failed because of its signal (a newer push, the worker stopping).
  const failure: unknown = aborted ? run.signal?.reason : err;
  const action = classifyFailure(failure, { lastAttempt: run.attempt >= run.maxAttempts });
  if (action === "conclude") {
    if (!aborted) run.log.error({ err }, "run failed");
    return concludeFailure(failure, { config: run.config, aborted });
  }
  const note = `${messageOf(failure)}; ${action === "retry" ? `will retry (attempt ${run.attempt} of ${run.maxAttempts})` : "no retry can help"}`;
  await run.publisher
    .progress([...run.steps, note])
    .catch((e: unknown) => run.log.warn({ err: e }, "progress not published"));
  throw failure;
}

/** What the queue keeps of an outcome as the job's return value (the rest is in the archive). */
function resultOf(o: Outcome): Pick<RunJobOutcome, "conclusion" | "reason"> {
  return { conclusion: o.conclusion, reason: o.reason };
}

function timingsOf(run: JobRun): RunTimings {
  return { ...run.timings, totalMs: run.clock.now() - run.startedAt };
}
