import type { OutputPaths } from "../output-paths.js";
import type { ValidationResult } from "../results/index.js";
import { renderValidationReport } from "./markdown/index.js";
import type { ReportWriter } from "./report-writer.js";

/** The validation's JSON and Markdown report; returns the files written. */
export async function writeValidationReports(
  v: ValidationResult,
  paths: OutputPaths,
  out: ReportWriter,
): Promise<string[]> {
  return [
    await out.writeJson(paths.validationJson, v),
    await out.write(paths.validationReport, renderValidationReport(v)),
  ];
}
