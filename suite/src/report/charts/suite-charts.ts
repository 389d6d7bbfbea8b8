import type { ChartConfiguration } from "chart.js";
import { formatKib, measuredTicks } from "./axis-ticks.js";

// Chart.js configurations of the suite's charts, as pure functions of measured data; the
// renderer turns any of them into a PNG.

const BLUE = "#2563eb";
const ORANGE = "#ea580c";
const GREEN = "#16a34a";

function title(text: string) {
  return { display: true, text, font: { size: 16 } };
}

/** Under this many samples a histogram's bins say less than the samples themselves. */
export const DOT_PLOT_BELOW = 15;

/** Linear interpolation between closest ranks, as the reports compute percentiles. */
function quantile(sorted: readonly number[], p: number): number {
  const rank = p * (sorted.length - 1);
  const lo = Math.floor(rank);
  const a = sorted[lo] ?? 0;
  const b = sorted[Math.min(sorted.length - 1, lo + 1)] ?? a;
  return a + (b - a) * (rank - lo);
}

/**
 * Latency samples (ms) with the median and p95 in the title: one dot per request under
 * DOT_PLOT_BELOW samples (equal values stacked upwards), a histogram of √n bins from there on.
 */
export function latencyDistributionChart(
  samplesMs: readonly number[],
  label: string,
): ChartConfiguration<"bar"> | ChartConfiguration<"scatter"> {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const heading = title(
    `${label}: ${sorted.length} requests, p50 ${quantile(sorted, 0.5).toFixed(0)} ms, p95 ${quantile(sorted, 0.95).toFixed(0)} ms`,
  );
  if (sorted.length < DOT_PLOT_BELOW) {
    const seen = new Map<number, number>();
    const dots = sorted.map((x) => {
      const y = (seen.get(x) ?? 0) + 1;
      seen.set(x, y);
      return { x, y };
    });
    return {
      type: "scatter",
      data: {
        datasets: [
          {
            label: `${label} (one dot per request)`,
            data: dots,
            backgroundColor: BLUE,
            pointRadius: 6,
          },
        ],
      },
      options: {
        plugins: { title: heading, legend: { display: false } },
        scales: {
          x: { type: "linear", title: { display: true, text: "latency (ms)" } },
          y: {
            min: 0,
            max: Math.max(...dots.map((d) => d.y)) + 1,
            title: { display: true, text: "requests at that latency" },
            ticks: { precision: 0 },
          },
        },
      },
    };
  }
  const min = sorted[0] ?? 0;
  const max = sorted[sorted.length - 1] ?? 0;
  const bins = Math.max(1, Math.min(20, Math.ceil(Math.sqrt(sorted.length))));
  const width = max > min ? (max - min) / bins : 1;
  const counts = new Array<number>(bins).fill(0);
  for (const v of sorted) {
    const i = Math.min(bins - 1, Math.floor((v - min) / width));
    counts[i] = (counts[i] ?? 0) + 1;
  }
  const labels = counts.map(
    (_, i) => `${(min + i * width).toFixed(0)}–${(min + (i + 1) * width).toFixed(0)}`,
  );
  return {
    type: "bar",
    data: {
      labels,
      datasets: [{ label: `${label} (requests)`, data: counts, backgroundColor: BLUE }],
    },
    options: {
      plugins: { title: heading },
      scales: {
        x: { title: { display: true, text: "latency (ms)" } },
        y: {
          beginAtZero: true,
          title: { display: true, text: "requests" },
          ticks: { precision: 0 },
        },
      },
    },
  };
}

export interface ModeBars {
  mode: string;
  outputTokensPerS: number | null;
  e2eP50Ms: number | null;
}

/**
 * Single device vs distributed as two small panels sharing the mode axis: throughput on top,
 * median latency below, each on its own scale from zero (no second y axis to misread).
 */
export function singleVsDistributedChart(
  modes: readonly ModeBars[],
  subtitle: string,
): ChartConfiguration<"bar"> {
  return {
    type: "bar",
    data: {
      labels: modes.map((m) => m.mode),
      datasets: [
        {
          label: "output tokens/s",
          data: modes.map((m) => m.outputTokensPerS ?? 0),
          backgroundColor: BLUE,
          yAxisID: "throughput",
          grouped: false,
        },
        {
          label: "end-to-end p50 (ms)",
          data: modes.map((m) => m.e2eP50Ms ?? 0),
          backgroundColor: ORANGE,
          yAxisID: "latency",
          grouped: false,
        },
      ],
    },
    options: {
      plugins: {
        title: title("Single device vs distributed"),
        subtitle: { display: true, text: subtitle },
      },
      scales: {
        throughput: {
          type: "linear",
          beginAtZero: true,
          position: "left",
          stack: "panels",
          stackWeight: 1,
          offset: true,
          title: { display: true, text: "output tokens/s" },
        },
        latency: {
          type: "linear",
          beginAtZero: true,
          position: "left",
          stack: "panels",
          stackWeight: 1,
          offset: true,
          title: { display: true, text: "e2e p50 (ms)" },
        },
      },
    },
  };
}

/** Transfer rate (MiB/s) by payload size on a log axis. */
export function transferRateChart(
  points: readonly { bytes: number; mibPerS: number }[],
): ChartConfiguration<"line"> {
  return {
    type: "line",
    data: {
      datasets: [
        {
          label: "TensorService.SendTensor (median MiB/s)",
          data: points.map((p) => ({ x: p.bytes / 1024, y: p.mibPerS })),
          borderColor: GREEN,
          backgroundColor: GREEN,
          pointRadius: 5,
        },
      ],
    },
    options: {
      plugins: { title: title("Tensor transfer rate by payload size") },
      scales: {
        x: {
          type: "logarithmic",
          title: { display: true, text: "payload (log scale)" },
          ...measuredTicks(
            points.map((p) => p.bytes / 1024),
            formatKib,
          ),
        },
        y: { beginAtZero: true, title: { display: true, text: "MiB/s" } },
      },
    },
  };
}
