import { join } from "node:path";

/** The seed's timestamp format, in UTC so runs on different machines sort together. */
export function formatTimestamp(d: Date): string {
  const p = (n: number): string => String(n).padStart(2, "0");
  return (
    `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}_` +
    `${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`
  );
}

/** Every file of the seed's output tree for one run, plus our run result and extra charts. */
export function outputPaths(outputDir: string, ts: string) {
  const dir = {
    root: outputDir,
    comprehensive: join(outputDir, "comprehensive"),
    validation: join(outputDir, "validation"),
    performance: join(outputDir, "performance"),
    communication: join(outputDir, "communication"),
  };
  return {
    dir,
    comprehensiveJson: join(dir.comprehensive, `comprehensive_benchmark_${ts}.json`),
    comprehensiveReport: join(dir.comprehensive, `benchmark_report_${ts}.md`),
    latencyChart: join(dir.comprehensive, `latency_distribution_${ts}.png`),
    concurrencyChart: join(dir.comprehensive, `throughput_vs_concurrency_${ts}.png`),
    latencyLoadChart: join(dir.comprehensive, `latency_vs_concurrency_${ts}.png`),
    validationJson: join(dir.validation, `validation_results_${ts}.json`),
    validationReport: join(dir.validation, `validation_report_${ts}.md`),
    performanceJson: join(dir.performance, `performance_analysis_${ts}.json`),
    performanceReport: join(dir.performance, `performance_report_${ts}.md`),
    performanceChart: join(dir.performance, `performance_comparison_${ts}.png`),
    communicationJson: join(dir.communication, `communication_benchmark_${ts}.json`),
    communicationReport: join(dir.communication, `communication_report_${ts}.md`),
    transferChart: join(dir.communication, `transfer_rate_${ts}.png`),
    executiveSummary: join(outputDir, `executive_summary_${ts}.md`),
    runResult: join(outputDir, `run_result_${ts}.json`),
  };
}
export type OutputPaths = ReturnType<typeof outputPaths>;
