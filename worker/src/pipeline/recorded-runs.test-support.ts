// Test support (not exported from index.ts): run results recorded from real pipeline runs of the
// reference cluster (worker/test/record-runs.ts writes them), and the jobs and archive entries a
// test builds around them the way the service and the pipeline make theirs.
import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { BenchmarkJob, RunResult } from "@mlxbench/proto";
import { archiveRun, type ArchiveStore } from "@mlxbench/archive";
import type { Verdict } from "@mlxbench/verdict";
import { renderSummary } from "../github/index.js";
import { listReason } from "./archive-outcome.js";

export const RECORDINGS_DIR = fileURLToPath(
  new URL("../../test/fixtures/recorded-runs/", import.meta.url),
);

/**
 * What each recording is: five pushes to main (the history that measures run-to-run noise, the
 * last one the baseline), a PR with the same code, a PR whose cluster is 1.3× slower.
 */
export const MAIN_RECORDINGS = ["main-1", "main-2", "main-3", "main-4", "main-5"] as const;
export const RECORDINGS = [...MAIN_RECORDINGS, "same-code", "slower-1.3x"] as const;
export type RecordingName = (typeof RECORDINGS)[number];

export interface Recording {
  /** How it was made (config, slowdown, command), for a reader of the fixture. */
  recordedWith: Record<string, unknown>;
  /** The repository's `.mlxbench.yml` of the recorded commit. */
  configYaml: string;
  runResult: RunResult;
}

/** A recorded run, checked against the run-result schema as the archive's readers check it. */
export async function loadRecording(name: RecordingName): Promise<Recording> {
  const file = `${RECORDINGS_DIR}${name}.json`;
  const raw = JSON.parse(await readFile(file, "utf8")) as Partial<Recording>;
  const parsed = RunResult.safeParse(raw.runResult);
  if (!parsed.success || typeof raw.configYaml !== "string")
    throw new Error(`${file} is not a recording: ${parsed.error?.message ?? "no configYaml"}`);
  return {
    recordedWith: raw.recordedWith ?? {},
    configYaml: raw.configYaml,
    runResult: parsed.data,
  };
}

/**
 * The recorded samples as a run of `commit`: the suite gives every run an id of its own (its
 * timestamp), which is not the archive's run id (the job id).
 */
export function replayAs(recorded: RunResult, commit: string, branch: string): RunResult {
  return {
    ...recorded,
    runId: `${recorded.runId}-replay-${randomUUID().slice(0, 8)}`,
    source: { ...recorded.source, commit, branch },
  };
}

const SHORT_TRIGGER = { push: "push", pull_request: "pr" } as const;

/** A job as the service queues it: id `{trigger}-{sha12}-{delivery}` (makeJobId), schema-checked. */
export function makeJob(o: {
  repo: string;
  cloneUrl: string;
  sha: string;
  trigger: "push" | "pull_request";
  pullRequest?: { number: number; baseSha: string };
  checkRunId?: number;
  /** Suite options beside the defaults, e.g. `{ compareRef: "v1.0" }` from `/benchmark --compare`. */
  suite?: Partial<BenchmarkJob["suite"]>;
}): BenchmarkJob {
  return BenchmarkJob.parse({
    schemaVersion: 1,
    jobId: `${SHORT_TRIGGER[o.trigger]}-${o.sha.slice(0, 12)}-${randomUUID()}`,
    installationId: 1,
    repository: { fullName: o.repo, cloneUrl: o.cloneUrl, defaultBranch: "main", private: false },
    commit: { sha: o.sha, ref: o.pullRequest ? "feature" : "refs/heads/main" },
    trigger: o.trigger,
    ...(o.pullRequest
      ? {
          pullRequest: {
            number: o.pullRequest.number,
            baseSha: o.pullRequest.baseSha,
            baseRef: "main",
          },
        }
      : {}),
    suite: { quick: true, skipValidation: false, skipCommunication: false, ...o.suite },
    requestedBy: "octocat",
    ...(o.checkRunId !== undefined ? { checkRunId: o.checkRunId } : {}),
    queuedAt: new Date().toISOString(),
  });
}

/**
 * Archives `runResult` as the run of `job` with the verdict it was judged to, under the job's id,
 * as the pipeline archives a run before publishing it (a baseline pointer for a default-branch run).
 */
export async function archiveJudgedRun(
  store: ArchiveStore,
  job: BenchmarkJob,
  runResult: RunResult,
  verdict: Verdict | null,
): Promise<void> {
  const conclusion = verdict?.conclusion ?? "neutral";
  const reason = verdict?.reason ?? "recorded run";
  const isPush = job.trigger === "push";
  await archiveRun(store, {
    meta: {
      runId: job.jobId,
      repository: job.repository.fullName,
      private: job.repository.private,
      commit: job.commit.sha,
      branch: isPush ? "main" : "feature",
      defaultBranch: job.repository.defaultBranch,
      ...(job.pullRequest ? { pullRequest: job.pullRequest.number } : {}),
      trigger: job.trigger,
      requestedBy: job.requestedBy,
      startedAt: runResult.startedAt,
      finishedAt: runResult.finishedAt,
      durationMs: Date.parse(runResult.finishedAt) - Date.parse(runResult.startedAt),
      conclusion,
      reason: listReason({ reason, verdict }),
      fingerprint: runResult.fingerprint,
    },
    runResult,
    verdict,
    summaryMarkdown: renderSummary({
      conclusion,
      reason,
      commit: job.commit.sha,
      verdict,
      runResult,
      charts: [],
      notes: [],
    }),
    artifacts: [],
    isBaseline: isPush,
  });
}
