export { renderChartPng, type RenderChartOptions } from "./render-chart.js";
export {
  DOT_PLOT_BELOW,
  latencyDistributionChart,
  singleVsDistributedChart,
  transferRateChart,
  type ModeBars,
} from "./suite-charts.js";
export {
  concurrencySweepChart,
  type SingleDeviceLevel,
  type SweepLevel,
} from "./concurrency-sweep-chart.js";
export { formatKib, measuredTicks, type TickedAxis } from "./axis-ticks.js";
export { latencyVsConcurrencyChart, type LatencyAtLoad } from "./latency-vs-concurrency-chart.js";
export {
  baselineVsRunChartConfig,
  baselineVsRunTitle,
  STRIP,
  type BaselineVsRunInput,
} from "./baseline-vs-run-chart.js";
export { baselineVsRunInputOf, chartedChanges } from "./changed-metrics.js";
