import type { ChartConfiguration } from "chart.js";

// One changed metric, baseline against this run: every sample as a dot (a jittered strip, so
// the spread is seen, not summarised) and the verdict's interval of the change drawn as the
// range where this run's level lies, relative to the baseline's median.

export interface BaselineVsRunInput {
  label: string;
  unit: string;
  /** The verdict's words for this metric: regressed, improved, inconclusive… */
  outcome: string;
  baselineSamples: readonly number[];
  currentSamples: readonly number[];
  /** The verdict's change, percent, current relative to the baseline's median. */
  change: { percent: number; lowerPercent: number; upperPercent: number };
  thresholdPct: number;
}

/** The strips' x positions: baseline at 0, this run at 1. */
export const STRIP = { baseline: 0, current: 1 } as const;
/** Where the interval is drawn, beside this run's strip. */
const INTERVAL_X = 1.3;

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

/** Deterministic jitter within ±0.15 of the strip (golden-ratio sequence): same data, same picture. */
function strip(values: readonly number[], x: number): { x: number; y: number }[] {
  // Rounded: the comment carries this config in an image URL.
  return values.map((y, i) => ({
    x: Math.round((x + (((i * 0.618034) % 1) - 0.5) * 0.3) * 1000) / 1000,
    y,
  }));
}

function signed(pct: number): string {
  return `${pct > 0 ? "+" : pct < 0 ? "−" : "±"}${Math.abs(pct).toFixed(1)} %`;
}

/** The chart's title: the verdict's numbers and word, as the comment and the run page say them. */
export function baselineVsRunTitle(input: BaselineVsRunInput): string {
  const c = input.change;
  return `${input.label}: ${signed(c.percent)} [${signed(c.lowerPercent)}, ${signed(c.upperPercent)}] ${input.outcome} (threshold ±${input.thresholdPct} %)`;
}

/**
 * Baseline vs this run for one metric: the two runs' samples as dots, the baseline's median as a
 * dashed line across both, the ±threshold around it as dotted lines, and the verdict's interval
 * (baseline median × (1 + lower…upper %)) as a bar with this run's level (× (1 + percent %)).
 */
export function baselineVsRunChartConfig(input: BaselineVsRunInput): ChartConfiguration<"scatter"> {
  const base = median(input.baselineSamples);
  const at = (pct: number): number => base * (1 + pct / 100);
  const across = (y: number) => [
    { x: -0.5, y },
    { x: 1.5, y },
  ];
  const { percent, lowerPercent, upperPercent } = input.change;
  return {
    type: "scatter",
    data: {
      datasets: [
        {
          label: `baseline (${input.baselineSamples.length} samples)`,
          data: strip(input.baselineSamples, STRIP.baseline),
          backgroundColor: "rgba(107,114,128,0.7)",
          pointRadius: 4,
        },
        {
          label: `this run (${input.currentSamples.length} samples)`,
          data: strip(input.currentSamples, STRIP.current),
          backgroundColor: "rgba(37,99,235,0.7)",
          pointRadius: 4,
        },
        {
          label: `interval of the change ${signed(lowerPercent)} … ${signed(upperPercent)}`,
          data: [
            { x: INTERVAL_X, y: at(lowerPercent) },
            { x: INTERVAL_X, y: at(upperPercent) },
          ],
          showLine: true,
          borderColor: "#dc2626",
          backgroundColor: "#dc2626",
          borderWidth: 3,
          pointStyle: "line",
          pointRadius: 8,
        },
        {
          label: `this run's level ${signed(percent)}`,
          data: [{ x: INTERVAL_X, y: at(percent) }],
          backgroundColor: "#dc2626",
          pointStyle: "rectRot",
          pointRadius: 7,
        },
        {
          label: "baseline median",
          data: across(base),
          showLine: true,
          borderColor: "#374151",
          borderDash: [6, 4],
          pointRadius: 0,
        },
        {
          label: `±${input.thresholdPct} % threshold`,
          data: [
            ...across(at(input.thresholdPct)),
            { x: Number.NaN, y: Number.NaN },
            ...across(at(-input.thresholdPct)),
          ],
          showLine: true,
          spanGaps: false,
          borderColor: "#9ca3af",
          borderDash: [2, 3],
          pointRadius: 0,
        },
      ],
    },
    options: {
      plugins: {
        title: { display: true, text: baselineVsRunTitle(input), font: { size: 15 } },
        legend: { position: "bottom" },
      },
      scales: {
        x: {
          type: "linear",
          min: -0.5,
          max: 1.5,
          afterBuildTicks(axis: { ticks: { value: number }[] }) {
            axis.ticks = [{ value: STRIP.baseline }, { value: STRIP.current }];
          },
          ticks: {
            maxRotation: 0,
            callback: (v: number | string) =>
              Number(v) === STRIP.baseline ? "baseline" : "this run",
          },
          grid: { display: false },
        },
        y: { title: { display: true, text: input.unit } },
      },
    },
  };
}
