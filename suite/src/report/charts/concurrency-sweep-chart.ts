import type { ChartConfiguration } from "chart.js";
import { measuredTicks } from "./axis-ticks.js";

// Throughput at every measured concurrency with its spread over repetitions, against what
// perfect scaling from one request and a single device would give: two medians joined by a
// line read as linear scaling; these references say whether it is.

export interface SweepLevel {
  concurrency: number;
  /** One value per repetition. */
  outputTokensPerS: readonly number[];
}

export interface SingleDeviceLevel {
  concurrency: number;
  outputTokensPerS: readonly number[];
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

/**
 * The sweep's median line, its min–max band over repetitions (drawn when a level has more than
 * one), the ideal-scaling line (concurrency × the median at concurrency 1, when level 1 was
 * measured) and the single device's median as a flat line (when the suite measured one).
 */
export function concurrencySweepChart(
  levels: readonly SweepLevel[],
  singleDevice: SingleDeviceLevel | null = null,
): ChartConfiguration<"line"> {
  const measured = [...levels]
    .filter((l) => l.outputTokensPerS.length > 0)
    .sort((a, b) => a.concurrency - b.concurrency);
  const at = (pick: (v: readonly number[]) => number) =>
    measured.map((l) => ({ x: l.concurrency, y: pick(l.outputTokensPerS) }));
  const medianLine = at(median);
  const spread = measured.some((l) => l.outputTokensPerS.length > 1);
  const one = measured.find((l) => l.concurrency === 1);
  const xs = measured.map((l) => l.concurrency);
  const datasets: ChartConfiguration<"line">["data"]["datasets"] = [];
  if (spread) {
    datasets.push(
      {
        label: "max of repetitions",
        data: at((v) => Math.max(...v)),
        borderColor: "transparent",
        backgroundColor: "rgba(37, 99, 235, 0.15)",
        pointRadius: 0,
        fill: "+1",
      },
      {
        label: "min of repetitions",
        data: at((v) => Math.min(...v)),
        borderColor: "transparent",
        backgroundColor: "rgba(37, 99, 235, 0.15)",
        pointRadius: 0,
      },
    );
  }
  datasets.push({
    label: "distributed (median)",
    data: medianLine,
    borderColor: "#2563eb",
    backgroundColor: "#2563eb",
    pointRadius: 5,
  });
  if (one) {
    const base = median(one.outputTokensPerS);
    datasets.push({
      label: "ideal scaling from concurrency 1",
      data: xs.map((x) => ({ x, y: base * x })),
      borderColor: "#6b7280",
      backgroundColor: "#6b7280",
      borderDash: [6, 4],
      pointRadius: 0,
    });
  }
  if (singleDevice && singleDevice.outputTokensPerS.length > 0 && xs.length > 0) {
    const y = median(singleDevice.outputTokensPerS);
    datasets.push({
      label: `single device (median at concurrency ${singleDevice.concurrency})`,
      data: [
        { x: Math.min(...xs, singleDevice.concurrency), y },
        { x: Math.max(...xs, singleDevice.concurrency), y },
      ],
      borderColor: "#ea580c",
      backgroundColor: "#ea580c",
      borderDash: [2, 3],
      pointRadius: 0,
    });
  }
  return {
    type: "line",
    data: { datasets },
    options: {
      plugins: {
        title: {
          display: true,
          text: spread
            ? "Throughput at each concurrency (median, band: min–max of repetitions)"
            : "Throughput at each concurrency (one repetition per level)",
          font: { size: 16 },
        },
      },
      scales: {
        x: {
          type: "linear",
          title: { display: true, text: "concurrent requests" },
          ...measuredTicks(singleDevice ? [...xs, singleDevice.concurrency] : xs),
        },
        y: { beginAtZero: true, title: { display: true, text: "output tokens/s" } },
      },
    },
  };
}
