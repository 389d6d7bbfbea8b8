import { computeMedian } from "@mlxbench/verdict/stats";
import { finiteOrNull } from "../metric.js";
import type { OutputPaths } from "../output-paths.js";
import type { CompareResult } from "../results/index.js";
import { singleVsDistributedChart, type ModeBars } from "./charts/index.js";
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

/** The single-device comparison's JSON, its chart and its report. */
export async function writePerformanceReports(
  p: CompareResult,
  paths: OutputPaths,
  out: ReportWriter,
): Promise<string[]> {
  const written = [await out.writeJson(paths.performanceJson, p)];
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
