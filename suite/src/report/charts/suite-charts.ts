import type { ChartConfiguration } from "chart.js";

// Chart.js configurations of the suite's charts, as pure functions of measured data; the
// renderer turns any of them into a PNG.

const BLUE = "#2563eb";
const ORANGE = "#ea580c";
const GREEN = "#16a34a";
const GREY = "#6b7280";

function title(text: string) {
  return { display: true, text, font: { size: 16 } };
}

/** Histogram of latency samples (ms) with the median and p95 in the title. */
export function latencyDistributionChart(
  samplesMs: readonly number[],
  label: string,
): ChartConfiguration<"bar"> {
  const sorted = [...samplesMs].sort((a, b) => a - b);
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
  // Linear interpolation between closest ranks, as the reports compute percentiles.
  const q = (p: number): number => {
    const rank = p * (sorted.length - 1);
    const lo = Math.floor(rank);
    const a = sorted[lo] ?? 0;
    const b = sorted[Math.min(sorted.length - 1, lo + 1)] ?? a;
    return a + (b - a) * (rank - lo);
  };
  return {
    type: "bar",
    data: {
      labels,
      datasets: [{ label: `${label} (requests)`, data: counts, backgroundColor: BLUE }],
    },
    options: {
      plugins: {
        title: title(
          `${label}: ${sorted.length} requests, p50 ${q(0.5).toFixed(0)} ms, p95 ${q(0.95).toFixed(0)} ms`,
        ),
      },
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

export interface ConcurrencySeries {
  label: string;
  points: { concurrency: number; outputTokensPerS: number }[];
}

/** Output tokens/s against concurrency, one line per series (mode). */
export function throughputVsConcurrencyChart(
  series: readonly ConcurrencySeries[],
): ChartConfiguration<"line"> {
  const colours = [BLUE, ORANGE, GREEN, GREY];
  return {
    type: "line",
    data: {
      datasets: series.map((s, i) => ({
        label: s.label,
        data: s.points.map((p) => ({ x: p.concurrency, y: p.outputTokensPerS })),
        borderColor: colours[i % colours.length],
        backgroundColor: colours[i % colours.length],
        pointRadius: 5,
      })),
    },
    options: {
      plugins: { title: title("Throughput under concurrency (median of repetitions)") },
      scales: {
        x: {
          type: "linear",
          title: { display: true, text: "concurrent requests" },
          ticks: { precision: 0 },
        },
        y: { beginAtZero: true, title: { display: true, text: "output tokens/s" } },
      },
    },
  };
}

export interface ModeBars {
  mode: string;
  outputTokensPerS: number | null;
  e2eP50Ms: number | null;
}

/** Single device vs distributed: throughput and median latency side by side. */
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
          yAxisID: "y",
        },
        {
          label: "end-to-end p50 (ms)",
          data: modes.map((m) => m.e2eP50Ms ?? 0),
          backgroundColor: ORANGE,
          yAxisID: "y1",
        },
      ],
    },
    options: {
      plugins: {
        title: title("Single device vs distributed"),
        subtitle: { display: true, text: subtitle },
      },
      scales: {
        y: {
          beginAtZero: true,
          position: "left",
          title: { display: true, text: "output tokens/s" },
        },
        y1: {
          beginAtZero: true,
          position: "right",
          grid: { drawOnChartArea: false },
          title: { display: true, text: "ms" },
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
        x: { type: "logarithmic", title: { display: true, text: "payload (KiB, log scale)" } },
        y: { beginAtZero: true, title: { display: true, text: "MiB/s" } },
      },
    },
  };
}
