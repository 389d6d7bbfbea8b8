// Rendering (charts/, markdown/: pure functions of results) and writing (write-*: a component's
// JSON, charts and report through a ReportWriter) of the suite's reports.
export * from "./charts/index.js";
export * from "./markdown/index.js";
export { createReportWriter, type ReportWriter } from "./report-writer.js";
export { writeValidationReports } from "./write-validation-reports.js";
export { writeComprehensiveReports } from "./write-comprehensive-reports.js";
export { writeCommunicationReports } from "./write-communication-reports.js";
export { writePerformanceReports } from "./write-performance-reports.js";
export { writeExecutiveSummary } from "./write-executive-summary.js";
