import { relative } from "node:path";
import type { ComponentOutcome, RunResult } from "@mlxbench/proto";
import type { ReadinessAssessment } from "../assess-readiness.js";
import type { OutputPaths } from "../output-paths.js";
import type { SuiteReports } from "../results/index.js";
import { renderExecutiveSummary } from "./markdown/index.js";
import type { ReportWriter } from "./report-writer.js";

/** Each component's files and the run result, relative to the output folder, by name. */
export function namedFiles(
  outcomes: readonly ComponentOutcome[],
  paths: OutputPaths,
): Record<string, string> {
  const named: Record<string, string> = {};
  for (const c of outcomes) {
    for (const f of c.files) {
      const rel = relative(paths.dir.root, f);
      named[c.name] = named[c.name] ? `${named[c.name]}\`, \`${rel}` : rel;
    }
  }
  named["run result"] = relative(paths.dir.root, paths.runResult);
  return named;
}

/** The executive summary, linking every file the run wrote. */
export async function writeExecutiveSummary(
  runResult: RunResult,
  readiness: ReadinessAssessment,
  reports: SuiteReports,
  paths: OutputPaths,
  out: ReportWriter,
): Promise<string> {
  return out.write(
    paths.executiveSummary,
    renderExecutiveSummary(runResult, readiness, reports, namedFiles(runResult.components, paths)),
  );
}
