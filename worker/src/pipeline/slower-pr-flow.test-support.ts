// The 1.3×-slower PR flow that bench:report and the link tests read: the recorded history of main
// archived as the pipeline archives it (archive ids `push-…`, not the suite's run ids), the
// recorded slower PR judged against it, and its check summary and PR comment rendered.
import { loadRunResult, type ArchiveStore } from "@mlxbench/archive";
import type { BenchmarkJob, RunResult } from "@mlxbench/proto";
import { parseConfigYaml } from "@mlxbench/suite/config";
import type { Verdict } from "@mlxbench/verdict";
import { pino } from "pino";
import { judgeAgainstArchive } from "./index.js";
import {
  MAIN_RECORDINGS,
  archiveJudgedRun,
  loadRecording,
  makeJob,
  replayAs,
} from "./recorded-runs.test-support.js";
import { renderPrComment } from "./render-check.js";
import { renderSummary } from "../github/index.js";
import { changeChartLinks } from "./change-chart-images.js";

export const FLOW_REPO = "acme/llm-cluster";

export interface SlowerPrFlow {
  job: BenchmarkJob;
  current: RunResult;
  verdict: Verdict;
  /** Each main push as archived: the archive's id beside the suite's own run id. */
  mainRuns: { archiveId: string; suiteRunId: string }[];
  /** The PR's run page, `${origin}/reports/{repo}/runs/{jobId}`. */
  runUrl: string;
  summary: string;
  comment: string;
}

/** Archives main's recordings and the slower PR in `store`; links in the texts start at `origin`. */
export async function seedSlowerPrFlow(store: ArchiveStore, origin: string): Promise<SlowerPrFlow> {
  const sha = (i: number): string => i.toString(16).padStart(40, "a");
  let mainSha = "";
  const mainRuns: SlowerPrFlow["mainRuns"] = [];
  for (const [i, name] of MAIN_RECORDINGS.entries()) {
    mainSha = sha(i + 1);
    const push = makeJob({
      repo: FLOW_REPO,
      cloneUrl: "file:///none",
      sha: mainSha,
      trigger: "push",
    });
    const run = replayAs((await loadRecording(name)).runResult, mainSha, "main");
    await archiveJudgedRun(store, push, run, null);
    mainRuns.push({ archiveId: push.jobId, suiteRunId: run.runId });
  }
  const slower = await loadRecording("slower-1.3x");
  const prSha = sha(99);
  const job = makeJob({
    repo: FLOW_REPO,
    cloneUrl: "file:///none",
    sha: prSha,
    trigger: "pull_request",
    pullRequest: { number: 7, baseSha: mainSha },
  });
  const current = replayAs(slower.runResult, prSha, "feature");
  const verdict = await judgeAgainstArchive(
    { store, log: pino({ level: "silent" }) },
    job,
    current,
    parseConfigYaml(slower.configYaml),
    { mergeBase: mainSha },
  );
  await archiveJudgedRun(store, job, current, verdict);
  const runUrl = `${origin}/reports/${FLOW_REPO}/runs/${encodeURIComponent(job.jobId)}`;
  const summary = renderSummary({
    conclusion: verdict.conclusion,
    reason: verdict.reason,
    commit: prSha,
    verdict,
    runResult: current,
    runUrl,
    changeCharts: changeChartLinks(
      verdict,
      current,
      verdict.baseline ? await loadRunResult(store, FLOW_REPO, verdict.baseline.runId) : null,
      {
        quickChartUrl: "https://quickchart.io",
        quickChartChosen: false,
        isPrivate: job.repository.private,
        runUrl,
      },
    ),
  });
  return {
    job,
    current,
    verdict,
    mainRuns,
    runUrl,
    summary,
    comment: renderPrComment(summary, job),
  };
}
