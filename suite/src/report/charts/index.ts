export { renderChartPng, type RenderChartOptions } from "./render-chart.js";
export {
  latencyDistributionChart,
  singleVsDistributedChart,
  throughputVsConcurrencyChart,
  transferRateChart,
  type ConcurrencySeries,
  type ModeBars,
} from "./suite-charts.js";
export { latencyVsConcurrencyChart, type LatencyAtLoad } from "./latency-vs-concurrency-chart.js";
