import { computeMedian } from "@mlxbench/verdict/stats";
import { randomUUID } from "node:crypto";
import { relative } from "node:path";
import os from "node:os";
import type {
  ComponentOutcome,
  Fingerprint,
  MetricResult,
  RunResult,
  RunSource,
} from "@mlxbench/proto";
import { RESULT_SCHEMA_VERSION, RunResult as RunResultSchema } from "@mlxbench/proto";
import {
  latencyDistributionChart,
  renderChartPng,
  singleVsDistributedChart,
  throughputVsConcurrencyChart,
  transferRateChart,
} from "./report/charts/index.js";
import {
  renderCommunicationReport,
  renderComprehensiveReport,
  renderExecutiveSummary,
  renderPerformanceReport,
  renderValidationReport,
} from "./report/markdown/index.js";
import { assessReadiness, type ReadinessAssessment } from "./assess-readiness.js";
import type { ClusterLifecycle } from "./cluster-lifecycle.js";
import { GpuInfoBody, getOptionalClusterJson } from "./cluster-http.js";
import type { SuiteDeps } from "./deps.js";
import { describeError } from "./errors.js";
import { applyGating, finiteOrNull } from "./metric.js";
import { formatTimestamp, outputPaths, type OutputPaths } from "./output-paths.js";
import { runCommunication, type CommunicationResult } from "./run-communication.js";
import { runCompare, type CompareResult } from "./run-compare.js";
import { runComprehensive, type ComprehensiveResult } from "./run-comprehensive.js";
import { runValidation, type ValidationResult } from "./run-validation.js";
import {
  hashSuiteOptions,
  meaningfulSuiteOptions,
  thresholdPctFor,
  type SuiteOptions,
} from "./suite-options.js";
import { waitForReady, type ReadinessWait } from "./wait-for-ready.js";
import { writeJsonFile, writeOutputFile } from "./write-file.js";

export type ComponentName = ComponentOutcome["name"];
export const ALL_COMPONENTS: readonly ComponentName[] = [
  "validation",
  "comprehensive",
  "communication",
  "performance",
];

export interface SuiteRunInput {
  options: SuiteOptions;
  /** Components to run (default all, minus the skipped ones); single-component subcommands pass one. */
  components?: readonly ComponentName[];
  lifecycle?: ClusterLifecycle;
  source?: RunSource;
  /** Hardware label of the fingerprint; default: the cluster's device models, else this machine. */
  hardware?: string;
  /** Write the executive summary (the full suite does; single components do not). */
  executiveSummary?: boolean;
  /**
   * The HTTP API to list devices for per-device communication figures when no other component
   * needs it (the communication subcommand); the full suite uses the cluster's API.
   */
  perDeviceApiUrl?: string;
  /** Versions for the fingerprint besides node and the schema. */
  versions?: Record<string, string>;
}

export interface SuiteReports {
  validation: ValidationResult | null;
  comprehensive: ComprehensiveResult | null;
  performance: CompareResult | null;
  communication: CommunicationResult | null;
}

export interface SuiteRunOutput {
  runResult: RunResult;
  readiness: ReadinessAssessment;
  reports: SuiteReports;
  paths: OutputPaths;
  timestamp: string;
  /** Every file written, relative to the working directory. */
  files: string[];
}

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
  const files: string[] = [];
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
  const write = async (path: string, content: string | Uint8Array): Promise<string> => {
    await writeOutputFile(path, content);
    files.push(path);
    return path;
  };
  const writeJson = async (path: string, value: unknown): Promise<string> => {
    await writeJsonFile(path, value);
    files.push(path);
    return path;
  };
  const chart = async (
    path: string,
    config: Parameters<typeof renderChartPng>[0],
  ): Promise<string | undefined> => {
    try {
      return await write(path, await renderChartPng(config));
    } catch (err) {
      logger.warn({ err: describeError(err), path }, "chart not rendered");
      return undefined;
    }
  };
  /**
   * Adds a component's chart (when it rendered) and then its report to `out`; the report links
   * the chart by a path relative to `reportDir`, the report's folder.
   */
  const writeChartedReport = async (
    out: string[],
    png: string | undefined,
    reportPath: string,
    reportDir: string,
    render: (chartLink: string | undefined) => string,
  ): Promise<string[]> => {
    if (png) out.push(png);
    out.push(await write(reportPath, render(png ? relative(reportDir, png) : undefined)));
    return out;
  };

  // Start the cluster when the config says how, and wait until it is ready.
  let unreachable: string | null = null;
  let ready: ReadinessWait | null = null;
  let distributedStarted = false;
  if (needsHttp) {
    progress.phase("waiting for the cluster", 0);
    try {
      if (lifecycle?.has("distributed")) {
        await lifecycle.start("distributed");
        distributedStarted = true;
      }
      ready = await waitForReady(o.distributed.apiUrl, {
        timeoutMs: o.readinessTimeoutMs,
        clock,
        // Nobody is starting a cluster for us: a refused connection will not change in two minutes.
        ...(distributedStarted ? {} : { unreachableAfterMs: 3000 }),
        ...(deps.signal ? { signal: deps.signal } : {}),
      });
      if (ready.unreachable)
        unreachable = `cluster unreachable at ${o.distributed.apiUrl}: ${ready.lastStatus}`;
      else if (!ready.ready)
        progress.note(
          `cluster at ${o.distributed.apiUrl} not ready: ${ready.lastStatus}; validating anyway`,
        );
    } catch (err) {
      unreachable = `cluster could not be started: ${describeError(err)}`;
    }
    if (unreachable) {
      logger.error(unreachable);
      progress.note(unreachable);
    }
  }

  const component = async <T>(
    name: ComponentName,
    run: () => Promise<T>,
    save: (result: T) => Promise<string[]>,
    failPath: string,
  ): Promise<T | null> => {
    if (!selected.has(name)) {
      const skipped = input.components === undefined || input.components.includes(name);
      if (skipped)
        outcomes.push({
          name,
          status: "skipped",
          message: `--skip-${name}`,
          durationMs: 0,
          files: [],
        });
      return null;
    }
    if (unreachable && name !== "communication") {
      outcomes.push({
        name,
        status: "not_available",
        message: unreachable,
        durationMs: 0,
        files: [],
      });
      return null;
    }
    const t0 = clock.monotonicMs();
    try {
      const result = await run();
      const written = await save(result);
      outcomes.push({ name, status: "ok", durationMs: clock.monotonicMs() - t0, files: written });
      progress.note(`${name} done in ${((clock.monotonicMs() - t0) / 1000).toFixed(1)} s`);
      return result;
    } catch (err) {
      const message = describeError(err);
      logger.error({ component: name, err: message }, "component failed");
      progress.note(`${name} failed: ${message}`);
      // Keep a record on disk of what failed, so the output tree says so.
      const written = await writeJson(failPath, {
        component: name,
        status: "failed",
        error: message,
        at: clock.now().toISOString(),
      });
      outcomes.push({
        name,
        status: "failed",
        message,
        durationMs: clock.monotonicMs() - t0,
        files: [written],
      });
      return null;
    }
  };

  try {
    reports.validation = await component(
      "validation",
      () =>
        runValidation(
          {
            target: o.distributed,
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
      async (v) => [
        await writeJson(paths.validationJson, v),
        await write(paths.validationReport, renderValidationReport(v)),
      ],
      paths.validationJson,
    );

    reports.comprehensive = await component(
      "comprehensive",
      () => runComprehensive({ ...o, target: o.distributed }, deps),
      async (c) => {
        const out = [await writeJson(paths.comprehensiveJson, c)];
        const e2e = c.latency?.records.flatMap((r) => (r.e2eMs === null ? [] : [r.e2eMs])) ?? [];
        const latencyPng = e2e.length
          ? await chart(paths.latencyChart, latencyDistributionChart(e2e, "End-to-end latency"))
          : undefined;
        const concurrencyPng = c.throughput.length
          ? await chart(
              paths.concurrencyChart,
              throughputVsConcurrencyChart([
                {
                  label: "distributed",
                  points: c.throughput.map((p) => ({
                    concurrency: p.concurrency,
                    outputTokensPerS: finiteOrNull(computeMedian(p.outputTokensPerS)) ?? 0,
                  })),
                },
              ]),
            )
          : undefined;
        const rel = (p?: string) => (p ? relative(paths.dir.comprehensive, p) : undefined);
        out.push(
          ...[latencyPng, concurrencyPng].filter((p): p is string => p !== undefined),
          await write(
            paths.comprehensiveReport,
            renderComprehensiveReport(c, {
              ...(latencyPng ? { latency: rel(latencyPng) ?? "" } : {}),
              ...(concurrencyPng ? { concurrency: rel(concurrencyPng) ?? "" } : {}),
            }),
          ),
        );
        return out;
      },
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
      async (c) => {
        const out = [await writeJson(paths.communicationJson, c)];
        const png = c.transfer.length
          ? await chart(
              paths.transferChart,
              transferRateChart(
                c.transfer.map((t) => ({
                  bytes: t.bytes,
                  mibPerS: finiteOrNull(computeMedian(t.mibPerS)) ?? 0,
                })),
              ),
            )
          : undefined;
        return writeChartedReport(
          out,
          png,
          paths.communicationReport,
          paths.dir.communication,
          (link) => renderCommunicationReport(c, link),
        );
      },
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
      async (p) => {
        const out = [await writeJson(paths.performanceJson, p)];
        const modes = [
          { mode: "single device", m: p.singleDevice },
          { mode: "distributed", m: p.distributed },
        ].map(({ mode, m }) => ({
          mode,
          outputTokensPerS: m ? finiteOrNull(computeMedian(m.outputTokensPerS)) : null,
          e2eP50Ms: m ? finiteOrNull(computeMedian(m.e2eMs)) : null,
        }));
        const sub =
          p.figures.throughputImprovement === null
            ? (p.baselineNote ?? "no baseline measured")
            : `throughput ${p.figures.throughputImprovement.toFixed(2)}×, scaling efficiency ${p.figures.scalingEfficiencyPct?.toFixed(0) ?? "n/a"} %`;
        const png = await chart(paths.performanceChart, singleVsDistributedChart(modes, sub));
        return writeChartedReport(
          out,
          png,
          paths.performanceReport,
          paths.dir.performance,
          (link) => renderPerformanceReport(p, link),
        );
      },
      paths.performanceJson,
    );
  } finally {
    if (distributedStarted && lifecycle) {
      try {
        await lifecycle.stop("distributed");
      } catch (err) {
        logger.warn({ err: describeError(err) }, "stopping the distributed cluster failed");
      }
    }
  }

  // The run result
  const metrics = applyGating(collectMetrics(reports), o.gatedMetrics);
  const measurementWarnings = [
    ...(reports.comprehensive?.warnings ?? []),
    ...(reports.validation?.warnings ?? []),
    ...(reports.communication?.warnings ?? []),
    ...(reports.performance?.warnings ?? []),
  ];
  const readiness = assessReadiness({
    unreachable,
    validation: reports.validation,
    comprehensive: reports.comprehensive,
    performance: reports.performance,
    communication: reports.communication,
    components: outcomes,
    minSuccessRate: o.floors.min_success_rate,
    measurementWarnings: [...new Set(measurementWarnings)],
    judged: new Set(input.components ?? ALL_COMPONENTS),
  });
  const fingerprint = await buildFingerprint(input, reports, unreachable === null);
  const runResult = RunResultSchema.parse({
    schemaVersion: RESULT_SCHEMA_VERSION,
    runId: `${ts}-${randomUUID().slice(0, 8)}`,
    startedAt: startedAt.toISOString(),
    finishedAt: clock.now().toISOString(),
    source: input.source ?? {},
    fingerprint,
    metrics,
    validation: reports.validation?.summary ?? null,
    components: outcomes,
    readiness: {
      verdict: readiness.verdict,
      blocking: readiness.blocking,
      warnings: readiness.warnings,
      greenLights: readiness.greenLights,
    },
    warnings: [...new Set(measurementWarnings)],
    exitCode: readiness.exitCode,
  } satisfies RunResult);
  await writeJson(paths.runResult, runResult);
  if (input.executiveSummary ?? true) {
    const named: Record<string, string> = {};
    for (const c of outcomes) {
      for (const f of c.files) {
        const rel = relative(paths.dir.root, f);
        named[c.name] = named[c.name] ? `${named[c.name]}\`, \`${rel}` : rel;
      }
    }
    named["run result"] = relative(paths.dir.root, paths.runResult);
    await write(
      paths.executiveSummary,
      renderExecutiveSummary(runResult, readiness, reports, named),
    );
  }
  progress.finish();
  return { runResult, readiness, reports, paths, timestamp: ts, files };
}

function collectMetrics(r: SuiteReports): MetricResult[] {
  return [
    ...(r.validation?.metrics ?? []),
    ...(r.comprehensive?.metrics ?? []),
    ...(r.communication?.metrics ?? []),
    ...(r.performance?.metrics ?? []),
  ];
}

async function buildFingerprint(
  input: SuiteRunInput,
  r: SuiteReports,
  reachable: boolean,
): Promise<Fingerprint> {
  const o = input.options;
  const devices =
    r.validation?.devices.map((d) => d.deviceId) ?? r.performance?.distributed?.devices ?? [];
  let hardware = input.hardware;
  if (!hardware && reachable) {
    try {
      const info = await getOptionalClusterJson(
        o.distributed.apiUrl,
        "distributed/gpu-info",
        GpuInfoBody,
        { timeoutMs: 3000 },
      );
      const models = info.available
        ? (info.body.cluster_info?.aggregate_hardware?.device_models ?? [])
        : [];
      if (models.length) hardware = summarizeModels(models);
    } catch {
      // the fingerprint falls back to this machine below
    }
  }
  hardware ??= `${os.cpus()[0]?.model ?? "unknown CPU"}, ${Math.round(os.totalmem() / 2 ** 30)} GB, ${os.platform()} ${os.release()}`;
  const model = r.comprehensive?.model ?? r.validation?.model ?? (o.model || "unknown");
  return {
    hardware,
    clusterMode: devices.length === 1 ? "single-device" : "distributed",
    deviceCount: devices.length,
    devices,
    model,
    suiteOptionsHash: hashSuiteOptions(o),
    suiteOptions: meaningfulSuiteOptions(o),
    versions: {
      node: process.version,
      resultSchema: String(RESULT_SCHEMA_VERSION),
      ...input.versions,
    },
  };
}

function summarizeModels(models: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const m of models) counts.set(m, (counts.get(m) ?? 0) + 1);
  return [...counts].map(([m, n]) => `${n}× ${m}`).join(" + ");
}
