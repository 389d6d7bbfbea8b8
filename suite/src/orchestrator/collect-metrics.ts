import type { MetricResult } from "@mlxbench/proto";
import type { SuiteReports } from "../results/index.js";

/** Every component's metrics, in the order the run result lists them. */
export function collectMetrics(r: SuiteReports): MetricResult[] {
  return [
    ...(r.validation?.metrics ?? []),
    ...(r.comprehensive?.metrics ?? []),
    ...(r.communication?.metrics ?? []),
    ...(r.performance?.metrics ?? []),
  ];
}

/** Every component's measurement warnings, each once. */
export function collectWarnings(r: SuiteReports): string[] {
  return [
    ...new Set([
      ...(r.comprehensive?.warnings ?? []),
      ...(r.validation?.warnings ?? []),
      ...(r.communication?.warnings ?? []),
      ...(r.performance?.warnings ?? []),
    ]),
  ];
}
