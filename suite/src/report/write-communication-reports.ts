import { computeMedian } from "@mlxbench/verdict/stats";
import { finiteOrNull } from "../metric.js";
import type { OutputPaths } from "../output-paths.js";
import type { CommunicationResult } from "../results/index.js";
import { transferRateChart } from "./charts/index.js";
import { renderCommunicationReport } from "./markdown/index.js";
import type { ReportWriter } from "./report-writer.js";

/** The communication benchmark's JSON, its transfer-rate chart and its report. */
export async function writeCommunicationReports(
  c: CommunicationResult,
  paths: OutputPaths,
  out: ReportWriter,
): Promise<string[]> {
  const written = [await out.writeJson(paths.communicationJson, c)];
  const png = c.transfer.length
    ? await out.chart(
        paths.transferChart,
        transferRateChart(
          c.transfer.map((t) => ({
            bytes: t.bytes,
            mibPerS: finiteOrNull(computeMedian(t.mibPerS)) ?? 0,
          })),
        ),
      )
    : undefined;
  return out.writeChartedReport(
    written,
    png,
    paths.communicationReport,
    paths.dir.communication,
    (link) => renderCommunicationReport(c, link),
  );
}
