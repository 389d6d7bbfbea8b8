import type { ComponentOutcome } from "@mlxbench/proto";
import { assessReadiness } from "../assess-readiness.js";
import { runCommunication } from "../communication/index.js";
import { runCompare } from "../compare/index.js";
import { runComprehensive } from "../comprehensive/index.js";
import type { SuiteDeps } from "../deps.js";
import { describeError } from "../errors.js";
import { applyGating } from "../metric.js";
import { formatTimestamp, outputPaths } from "../output-paths.js";
import {
  createReportWriter,
  writeCommunicationReports,
  writeComprehensiveReports,
  writeExecutiveSummary,
  writePerformanceReports,
  writeValidationReports,
} from "../report/index.js";
import { ALL_COMPONENTS, type SuiteReports } from "../results/index.js";
import { hashSuiteOptions, thresholdPctFor } from "../suite-options.js";
import { runValidation } from "../validation/index.js";
import { bringUpCluster, type ClusterState } from "./bring-up-cluster.js";
import { buildFingerprint } from "./build-fingerprint.js";
import { buildRunResult } from "./build-run-result.js";
import { collectMetrics, collectWarnings } from "./collect-metrics.js";
import { createComponentRunner } from "./run-component.js";
import type { SuiteRunInput, SuiteRunOutput } from "./suite-run.js";

/**
 * The full suite: readiness, then validation, comprehensive, communication and the single-device
 * comparison (each optional), their JSON, Markdown and charts in the seed's output tree, the run
 * result (validated against the schema) and the executive summary. A component that fails is
 * recorded and the others still run; whatever was measured is kept on disk.
 */
export async function runSuite(input: SuiteRunInput, deps: SuiteDeps): Promise<SuiteRunOutput> {
  const { clock, logger, progress } = deps;
  const o = input.options;
  const startedAt = clock.now();
  const ts = formatTimestamp(startedAt);
  const paths = outputPaths(o.outputDir, ts);
  const out = createReportWriter(logger);
  const outcomes: ComponentOutcome[] = [];
  const reports: SuiteReports = {
    validation: null,
    comprehensive: null,
    performance: null,
    communication: null,
  };
  const selected = new Set(input.components ?? ALL_COMPONENTS);
  if (o.skipValidation) selected.delete("validation");
  if (o.skipCommunication) selected.delete("communication");
  const needsHttp = [...selected].some((c) => c !== "communication");
  const lifecycle = input.lifecycle;

  const cluster: ClusterState = needsHttp
    ? await bringUpCluster(o, lifecycle, deps)
    : {
        unreachable: null,
        ready: null,
        distributedStarted: false,
        target: o.target ?? "mlx-cluster",
      };
  const { unreachable, ready, target } = cluster;
  const notApplicable =
    target === "openai"
      ? { communication: "target openai: an OpenAI-compatible server has no gRPC side to measure" }
      : {};
  const component = createComponentRunner(
    { selected, requested: input.components, unreachable, notApplicable, outcomes, out },
    deps,
  );

  try {
    reports.validation = await component(
      "validation",
      () =>
        runValidation(
          {
            target: o.distributed,
            suiteTarget: target,
            readinessTimeoutMs: ready?.ready ? 5000 : Math.min(o.readinessTimeoutMs, 5000),
            expectedDevices: o.expectedDevices,
            validationIterations: o.validationIterations,
            concurrentRequests: o.concurrentRequests,
            model: o.model,
            prompts: o.prompts,
            floors: o.floors,
            requestTimeoutMs: o.requestTimeoutMs,
          },
          deps,
        ),
      (v) => writeValidationReports(v, paths, out),
      paths.validationJson,
    );

    reports.comprehensive = await component(
      "comprehensive",
      () => runComprehensive({ ...o, target: o.distributed }, deps),
      (c) => writeComprehensiveReports(c, paths, out),
      paths.comprehensiveJson,
    );

    reports.communication = await component(
      "communication",
      async () => {
        if (!o.distributed.grpcTarget)
          throw new Error("no gRPC target: pass --grpc-target HOST:PORT");
        return runCommunication(
          {
            server: o.distributed.grpcTarget,
            iterations: o.communicationIterations,
            transferSizes: o.transferSizes,
            ...(needsHttp && !unreachable
              ? { apiUrl: o.distributed.apiUrl }
              : input.perDeviceApiUrl
                ? { apiUrl: input.perDeviceApiUrl }
                : {}),
            quick: o.quick,
          },
          deps,
        );
      },
      (c) => writeCommunicationReports(c, paths, out),
      paths.communicationJson,
    );

    const earlierMetrics = collectMetrics(reports);
    reports.performance = await component(
      "performance",
      () =>
        runCompare(
          {
            ...o,
            ...(lifecycle ? { lifecycle } : {}),
            distributedRunning: true,
            ...(o.baselineDir ? { baselineDir: o.baselineDir } : {}),
            currentMetrics: applyGating(earlierMetrics, o.gatedMetrics),
            thresholdPct: (key) => thresholdPctFor(o, key),
            suiteOptionsHash: hashSuiteOptions(o),
          },
          deps,
        ),
      (p) => writePerformanceReports(p, paths, out, reports.comprehensive?.throughput ?? []),
      paths.performanceJson,
    );
  } finally {
    if (cluster.distributedStarted && lifecycle) {
      try {
        await lifecycle.stop("distributed");
      } catch (err) {
        logger.warn({ err: describeError(err) }, "stopping the distributed cluster failed");
      }
    }
  }

  const metrics = applyGating(collectMetrics(reports), o.gatedMetrics);
  const measurementWarnings = collectWarnings(reports);
  const readiness = assessReadiness({
    unreachable,
    validation: reports.validation,
    comprehensive: reports.comprehensive,
    performance: reports.performance,
    communication: reports.communication,
    components: outcomes,
    minSuccessRate: o.floors.min_success_rate,
    measurementWarnings,
    judged: new Set(input.components ?? ALL_COMPONENTS),
  });
  const fingerprint = await buildFingerprint(input, reports, unreachable === null);
  const runResult = buildRunResult({
    ts,
    startedAt,
    finishedAt: clock.now(),
    source: input.source ?? {},
    fingerprint,
    metrics,
    reports,
    outcomes,
    readiness,
    warnings: measurementWarnings,
  });
  await out.writeJson(paths.runResult, runResult);
  if (input.executiveSummary ?? true)
    await writeExecutiveSummary(runResult, readiness, reports, paths, out);
  progress.finish();
  return { runResult, readiness, reports, paths, timestamp: ts, files: out.files };
}
