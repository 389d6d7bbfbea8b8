export { renderValidationReport } from "./validation-report.js";
export { renderComprehensiveReport } from "./comprehensive-report.js";
export { renderPerformanceReport } from "./performance-report.js";
export { renderCommunicationReport } from "./communication-report.js";
export { renderExecutiveSummary } from "./executive-summary.js";
export { table, num, pct, bullets } from "./format.js";
