import { randomUUID } from "node:crypto";
import type {
  ComponentOutcome,
  Fingerprint,
  MetricResult,
  RunResult,
  RunSource,
} from "@mlxbench/proto";
import { RESULT_SCHEMA_VERSION, RunResult as RunResultSchema } from "@mlxbench/proto";
import type { ReadinessAssessment } from "../assess-readiness.js";
import type { SuiteReports } from "../results/index.js";

export interface RunResultParts {
  ts: string;
  startedAt: Date;
  finishedAt: Date;
  source: RunSource;
  fingerprint: Fingerprint;
  metrics: MetricResult[];
  reports: SuiteReports;
  outcomes: ComponentOutcome[];
  readiness: ReadinessAssessment;
  warnings: string[];
}

/** The run result, validated against the schema. */
export function buildRunResult(p: RunResultParts): RunResult {
  return RunResultSchema.parse({
    schemaVersion: RESULT_SCHEMA_VERSION,
    runId: `${p.ts}-${randomUUID().slice(0, 8)}`,
    startedAt: p.startedAt.toISOString(),
    finishedAt: p.finishedAt.toISOString(),
    source: p.source,
    fingerprint: p.fingerprint,
    metrics: p.metrics,
    validation: p.reports.validation?.summary ?? null,
    components: p.outcomes,
    readiness: {
      verdict: p.readiness.verdict,
      blocking: p.readiness.blocking,
      warnings: p.readiness.warnings,
      greenLights: p.readiness.greenLights,
    },
    warnings: p.warnings,
    exitCode: p.readiness.exitCode,
  } satisfies RunResult);
}
