import type { BenchmarkJob, RunResult } from "@mlxbench/proto";
import type { CheckCompletion, SummaryInput } from "../github/index.js";
import { renderTitle } from "../github/index.js";
import type { Outcome } from "./outcome.js";

/** What the summary renderer needs of an outcome. */
export function summaryInputOf(
  o: Outcome,
  commit: string,
  runUrl: string | undefined,
  charts: { label: string; url: string }[] = [],
  changeCharts: { label: string; url: string; image: boolean }[] = [],
): SummaryInput {
  return {
    conclusion: o.conclusion,
    reason: o.reason,
    commit,
    verdict: o.verdict,
    runResult: o.runResult,
    ...(runUrl ? { runUrl } : {}),
    charts,
    ...(changeCharts.length ? { changeCharts } : {}),
    notes: o.notes,
    ...(o.log ? { log: o.log } : {}),
  };
}

/** The check run's details: the steps it went through, the suite's warnings and components. */
export function renderCheckText(steps: readonly string[], runResult: RunResult | null): string {
  return [
    ...(steps.length ? ["### Steps", "", ...steps.map((s) => `- ${s}`), ""] : []),
    ...(runResult?.warnings.length
      ? ["### Warnings", "", ...runResult.warnings.map((w) => `- ${w}`), ""]
      : []),
    ...(runResult
      ? [
          "### Components",
          "",
          ...runResult.components.map(
            (c) => `- ${c.name}: ${c.status}${c.message ? ` — ${c.message}` : ""}`,
          ),
        ]
      : []),
  ].join("\n");
}

/** The completed check run of an outcome. */
export function renderCheckCompletion(
  o: Outcome,
  summary: string,
  steps: readonly string[],
): CheckCompletion {
  const text = renderCheckText(steps, o.runResult);
  return {
    conclusion: o.conclusion,
    title: renderTitle(o),
    summary,
    ...(text ? { text } : {}),
    ...(o.annotations.length ? { annotations: o.annotations } : {}),
  };
}

/** The PR comment: the summary and which run it shows. */
export function renderPrComment(summary: string, job: BenchmarkJob): string {
  return `${summary}\n<sub>Latest run: \`${job.commit.sha.slice(0, 7)}\` · ${job.jobId}</sub>\n`;
}

/** The deployment gate's comment, saying when an earlier run answered it. */
export function renderGateComment(comment: string, reusedRunId: string | undefined): string {
  return reusedRunId
    ? `${comment} (reused run ${reusedRunId} of this commit; the suite did not run again)`
    : comment;
}
