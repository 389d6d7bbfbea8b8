import type { ChartConfiguration } from "chart.js";
import type { Stats } from "@mlxbench/proto";
import { measuredTicks } from "./axis-ticks.js";

export interface LatencyAtLoad {
  concurrency: number;
  ttftMs: Stats | null;
  tpotMs: Stats | null;
  itlMs: Stats | null;
  e2eMs: Stats | null;
}

const LINES = [
  { metric: "ttftMs", label: "TTFT", colour: "#2563eb" },
  { metric: "tpotMs", label: "TPOT", colour: "#16a34a" },
  { metric: "itlMs", label: "ITL", colour: "#9333ea" },
  { metric: "e2eMs", label: "E2E", colour: "#ea580c" },
] as const;

/**
 * Latency percentiles against load, the picture users look for first: p50 solid and p99
 * dashed for TTFT, TPOT, ITL and E2E, on a log axis so milliseconds and seconds both show.
 */
export function latencyVsConcurrencyChart(
  points: readonly LatencyAtLoad[],
): ChartConfiguration<"line"> {
  const datasets = LINES.flatMap(({ metric, label, colour }) =>
    (["p50", "p99"] as const).map((q) => ({
      label: `${label} ${q}`,
      data: points.flatMap((p) => {
        const v = p[metric]?.[q];
        return v !== undefined && v > 0 ? [{ x: p.concurrency, y: v }] : [];
      }),
      borderColor: colour,
      backgroundColor: colour,
      borderDash: q === "p99" ? [6, 4] : [],
      pointRadius: 4,
    })),
  ).filter((d) => d.data.length > 0);
  return {
    type: "line",
    data: { datasets },
    options: {
      plugins: {
        title: {
          display: true,
          text: "Latency at each load (p50 solid, p99 dashed)",
          font: { size: 16 },
        },
      },
      scales: {
        x: {
          type: "linear",
          title: { display: true, text: "concurrent requests" },
          ...measuredTicks(points.map((p) => p.concurrency)),
        },
        y: { type: "logarithmic", title: { display: true, text: "latency (ms, log scale)" } },
      },
    },
  };
}
