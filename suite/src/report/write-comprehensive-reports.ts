import { relative } from "node:path";
import type { OutputPaths } from "../output-paths.js";
import type { ComprehensiveResult } from "../results/index.js";
import {
  concurrencySweepChart,
  latencyDistributionChart,
  latencyVsConcurrencyChart,
} from "./charts/index.js";
import { renderComprehensiveReport } from "./markdown/index.js";
import type { ReportWriter } from "./report-writer.js";

/** The comprehensive benchmark's JSON, its latency and concurrency charts, and its report. */
export async function writeComprehensiveReports(
  c: ComprehensiveResult,
  paths: OutputPaths,
  out: ReportWriter,
): Promise<string[]> {
  const written = [await out.writeJson(paths.comprehensiveJson, c)];
  const e2e = c.latency?.records.flatMap((r) => (r.e2eMs === null ? [] : [r.e2eMs])) ?? [];
  const latencyPng = e2e.length
    ? await out.chart(paths.latencyChart, latencyDistributionChart(e2e, "End-to-end latency"))
    : undefined;
  const concurrencyPng = c.throughput.length
    ? await out.chart(paths.concurrencyChart, concurrencySweepChart(c.throughput))
    : undefined;
  const latencyLoadPng = c.throughput.some((p) => p.latency.e2eMs !== null)
    ? await out.chart(
        paths.latencyLoadChart,
        latencyVsConcurrencyChart(
          c.throughput.map((p) => ({ concurrency: p.concurrency, ...p.latency })),
        ),
      )
    : undefined;
  const rel = (p?: string) => (p ? relative(paths.dir.comprehensive, p) : undefined);
  written.push(
    ...[latencyPng, concurrencyPng, latencyLoadPng].filter((p): p is string => p !== undefined),
    await out.write(
      paths.comprehensiveReport,
      renderComprehensiveReport(c, {
        ...(latencyPng ? { latency: rel(latencyPng) ?? "" } : {}),
        ...(concurrencyPng ? { concurrency: rel(concurrencyPng) ?? "" } : {}),
        ...(latencyLoadPng ? { latencyAtLoad: rel(latencyLoadPng) ?? "" } : {}),
      }),
    ),
  );
  return written;
}
