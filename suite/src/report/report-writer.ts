import { relative } from "node:path";
import type { Logger } from "pino";
import { describeError } from "../errors.js";
import { writeJsonFile, writeOutputFile } from "../write-file.js";
import { renderChartPng } from "./charts/index.js";

/** Writes a run's files and lists every one it wrote, in order. */
export interface ReportWriter {
  /** Every file written, relative to the working directory. */
  readonly files: string[];
  write(path: string, content: string | Uint8Array): Promise<string>;
  writeJson(path: string, value: unknown): Promise<string>;
  /** Renders and writes a chart; a chart that cannot be rendered is logged and left out. */
  chart(path: string, config: Parameters<typeof renderChartPng>[0]): Promise<string | undefined>;
  /**
   * Adds a component's chart (when it rendered) and then its report to `out`; the report links
   * the chart by a path relative to `reportDir`, the report's folder.
   */
  writeChartedReport(
    out: string[],
    png: string | undefined,
    reportPath: string,
    reportDir: string,
    render: (chartLink: string | undefined) => string,
  ): Promise<string[]>;
}

export function createReportWriter(logger: Pick<Logger, "warn">): ReportWriter {
  const files: string[] = [];
  const write = async (path: string, content: string | Uint8Array): Promise<string> => {
    await writeOutputFile(path, content);
    // A chart redrawn later (the sweep, once the single device is measured) is listed once.
    if (!files.includes(path)) files.push(path);
    return path;
  };
  return {
    files,
    write,
    async writeJson(path, value) {
      await writeJsonFile(path, value);
      files.push(path);
      return path;
    },
    async chart(path, config) {
      try {
        return await write(path, await renderChartPng(config));
      } catch (err) {
        logger.warn({ err: describeError(err), path }, "chart not rendered");
        return undefined;
      }
    },
    async writeChartedReport(out, png, reportPath, reportDir, render) {
      if (png) out.push(png);
      out.push(await write(reportPath, render(png ? relative(reportDir, png) : undefined)));
      return out;
    },
  };
}
