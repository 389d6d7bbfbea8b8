// The chart configurations that load no canvas: for the pages' HTML and the PR comment, which
// draw nothing themselves (index.ts also brings the native renderer).
export {
  baselineVsRunChartConfig,
  baselineVsRunTitle,
  STRIP,
  type BaselineVsRunInput,
} from "./baseline-vs-run-chart.js";
export { baselineVsRunInputOf, chartedChanges } from "./changed-metrics.js";
