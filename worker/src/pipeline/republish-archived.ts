import { GateConfig, type RunResult } from "@mlxbench/proto";
import { loadRun, runKeys, type LoadedRun } from "@mlxbench/archive";
import { renderSummary } from "../github/index.js";
import { GATE_CONFIG_FILE, REUSED_FROM_FILE } from "./collect-artifacts.js";
import { messageOf, TransientJobError } from "./errors.js";
import type { JobRun } from "./job-run.js";
import type { Outcome } from "./outcome.js";
import { publishOutcome } from "./publish-outcome.js";
import { summaryInputOf } from "./render-check.js";

/** This job's run in the archive, when an earlier attempt archived it (then only publish it again). */
export async function findArchivedRun(run: JobRun): Promise<LoadedRun | null> {
  return loadRun(run.deps.store, run.repo, run.job.jobId).catch((err: unknown) => {
    run.log.warn({ err }, "could not look for an archived run of this job; running it");
    return null;
  });
}

/** A retry after publishing failed: the archived run is published again, as it was archived. */
export async function republishArchived(run: JobRun, archived: LoadedRun): Promise<Outcome> {
  run.log.info("run already archived; publishing it again");
  const reused = await readReusedFrom(run, archived.meta.files);
  const gate = run.job.deployment ? await readGateConfig(run, archived.meta.files) : undefined;
  const outcome: Outcome = {
    conclusion: archived.meta.conclusion,
    reason: archived.meta.reason,
    verdict: archived.verdict,
    runResult: archived.runResult ?? reused?.runResult ?? null,
    notes: [],
    annotations: [],
    config: null,
    ...(reused ? { reusedRunId: reused.runId } : {}),
    ...(gate ? { gate } : {}),
  };
  const summary =
    archived.summaryMarkdown ??
    renderSummary(summaryInputOf(outcome, run.job.commit.sha, run.runUrl));
  await publishOutcome(run, outcome, summary);
  return outcome;
}

/** The reused run of an archived gate run, if it was one. */
async function readReusedFrom(
  run: JobRun,
  files: readonly string[],
): Promise<{ runId: string; runResult: RunResult | null } | null> {
  if (!files.includes(`files/${REUSED_FROM_FILE}`)) return null;
  try {
    const obj = await run.deps.store.get(runKeys(run.repo, run.job.jobId).file(REUSED_FROM_FILE));
    const runId = (JSON.parse(obj?.body.toString("utf8") ?? "null") as { runId?: unknown } | null)
      ?.runId;
    if (typeof runId !== "string") return null;
    const reused = await loadRun(run.deps.store, run.repo, runId);
    return { runId, runResult: reused?.runResult ?? null };
  } catch (err) {
    run.log.warn({ err }, "the reused run of this gate could not be read");
    return null;
  }
}

/**
 * The gate rules archived with the run; undefined when it has none (its config was invalid, or
 * it was archived before they were kept), which is what the first answer used too. Rules that
 * were archived but cannot be read now are worth a retry, not a guess.
 */
async function readGateConfig(
  run: JobRun,
  files: readonly string[],
): Promise<GateConfig | undefined> {
  if (!files.includes(`files/${GATE_CONFIG_FILE}`)) return undefined;
  try {
    const obj = await run.deps.store.get(runKeys(run.repo, run.job.jobId).file(GATE_CONFIG_FILE));
    if (obj === null) throw new Error(`${GATE_CONFIG_FILE} is listed but missing`);
    return GateConfig.parse(JSON.parse(obj.body.toString("utf8")));
  } catch (err) {
    throw new TransientJobError(
      `the archived gate rules of this run could not be read: ${messageOf(err)}`,
      { cause: err },
    );
  }
}
