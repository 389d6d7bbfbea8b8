import { computeMedian } from "@mlxbench/verdict/stats";
import { finiteOrNull } from "../metric.js";
import type { OutputPaths } from "../output-paths.js";
import type { CompareResult } from "../results/index.js";
import {
  concurrencySweepChart,
  singleVsDistributedChart,
  type ModeBars,
  type SweepLevel,
} from "./charts/index.js";
import { renderPerformanceReport } from "./markdown/index.js";
import type { ReportWriter } from "./report-writer.js";

/** The chart's bars, one per mode, and its subtitle: the improvement, or why there is none. */
export function performanceChartData(p: CompareResult): { modes: ModeBars[]; subtitle: string } {
  const modes = [
    { mode: "single device", m: p.singleDevice },
    { mode: "distributed", m: p.distributed },
  ].map(({ mode, m }) => ({
    mode,
    outputTokensPerS: m ? finiteOrNull(computeMedian(m.outputTokensPerS)) : null,
    e2eP50Ms: m ? finiteOrNull(computeMedian(m.e2eMs)) : null,
  }));
  const subtitle =
    p.figures.throughputImprovement === null
      ? (p.baselineNote ?? "no baseline measured")
      : `throughput ${p.figures.throughputImprovement.toFixed(2)}×, scaling efficiency ${p.figures.scalingEfficiencyPct?.toFixed(0) ?? "n/a"} %`;
  return { modes, subtitle };
}

/**
 * The single-device comparison's JSON, its chart and its report. With the comprehensive sweep's
 * levels it also redraws the concurrency chart with the single device's line, measured only now.
 */
export async function writePerformanceReports(
  p: CompareResult,
  paths: OutputPaths,
  out: ReportWriter,
  sweep: readonly SweepLevel[] = [],
): Promise<string[]> {
  const written = [await out.writeJson(paths.performanceJson, p)];
  if (sweep.length > 0 && p.singleDevice) {
    await out.chart(paths.concurrencyChart, concurrencySweepChart(sweep, p.singleDevice));
  }
  const { modes, subtitle } = performanceChartData(p);
  const png = await out.chart(paths.performanceChart, singleVsDistributedChart(modes, subtitle));
  return out.writeChartedReport(
    written,
    png,
    paths.performanceReport,
    paths.dir.performance,
    (link) => renderPerformanceReport(p, link),
  );
}
