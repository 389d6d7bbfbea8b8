import type { ChartConfiguration, ChartDataset, Plugin } from "chart.js";
import type { MetricTrend } from "./load-trends.js";
import type { CompareRow } from "./compare-runs.js";
import { shortSha } from "./format.js";
import { computeNoiseBand } from "./noise-band.js";

const BLUE = "#2563eb";
const RED = "#dc2626";
const GREEN = "#16a34a";
const GREY = "#6b7280";
/** Translucent grey: the noise band under the points. */
const BAND = "rgba(107,114,128,0.18)";

interface LineContext {
  strokeStyle: string;
  lineWidth: number;
  save(): void;
  restore(): void;
  setLineDash(segments: number[]): void;
  beginPath(): void;
  moveTo(x: number, y: number): void;
  lineTo(x: number, y: number): void;
  stroke(): void;
}

/** Dashed vertical lines where a new level begins; Chart.js has no annotations without a plugin. */
function changePointLines(indices: readonly number[]): Plugin<"line"> {
  return {
    id: "mlxbench-change-points",
    afterDatasetsDraw(chart) {
      const { chartArea, scales } = chart;
      // No DOM lib here: the few context calls used, named by hand.
      const ctx = chart.ctx as unknown as LineContext;
      const x = scales["x"];
      if (!x) return;
      ctx.save();
      ctx.strokeStyle = RED;
      ctx.setLineDash([6, 4]);
      ctx.lineWidth = 1.5;
      for (const i of indices) {
        const px = x.getPixelForValue(i);
        ctx.beginPath();
        ctx.moveTo(px, chartArea.top);
        ctx.lineTo(px, chartArea.bottom);
        ctx.stroke();
      }
      ctx.restore();
    },
  };
}

/** The level of each segment between change points (median), drawn as a step line. */
function segmentLevels(values: readonly number[], changePoints: readonly number[]): number[] {
  const bounds = [0, ...changePoints, values.length];
  const out: number[] = [];
  for (let s = 0; s + 1 < bounds.length; s++) {
    const seg = values.slice(bounds[s], bounds[s + 1]).sort((a, b) => a - b);
    const mid = seg.length / 2;
    const level =
      seg.length % 2 ? (seg[Math.floor(mid)] ?? 0) : ((seg[mid - 1] ?? 0) + (seg[mid] ?? 0)) / 2;
    for (let i = 0; i < seg.length; i++) out.push(level);
  }
  return out;
}

/** A metric's history on the default branch: one point per run, change points in red. */
export function trendChartConfig(
  trend: MetricTrend,
  branch: string,
  withPlugins = true,
  /** A pull request's run, drawn after the history as its own point against the band. */
  pr?: TrendRunPoint,
): ChartConfiguration<"line"> {
  const values = trend.points.map((p) => p.value);
  const changePoints = trend.points.flatMap((p, i) => (p.changePoint ? [i] : []));
  const level = [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
  const better = trend.direction === "lower_is_better" ? "lower is better" : "higher is better";
  return {
    type: "line",
    data: {
      labels: [
        ...trend.points.map((p) => shortSha(p.commit)),
        ...(pr ? [`${pr.label} ${shortSha(pr.commit)}`] : []),
      ],
      datasets: [
        ...(pr ? [prPointDataset(pr, values.length)] : []),
        {
          label: `${trend.label} (${trend.unit})`,
          data: values,
          borderColor: BLUE,
          backgroundColor: BLUE,
          pointBackgroundColor: trend.points.map((p) => (p.changePoint ? RED : BLUE)),
          pointBorderColor: trend.points.map((p) => (p.changePoint ? RED : BLUE)),
          pointRadius: trend.points.map((p) => (p.changePoint ? 6 : 3)),
          borderWidth: 2,
          tension: 0,
        },
        ...noiseBandDatasets(values, changePoints, values.length + (pr ? 1 : 0)),
        {
          label: "level between change points",
          data: segmentLevels(values, changePoints),
          borderColor: GREY,
          borderDash: [4, 4],
          borderWidth: 1.5,
          pointRadius: 0,
          stepped: "middle",
        },
      ],
    },
    options: {
      plugins: {
        title: {
          display: true,
          text: `${trend.label} on ${branch}: ${trend.points.length} runs, ${changePoints.length} change point${changePoints.length === 1 ? "" : "s"} (${better})`,
          font: { size: 15 },
        },
        legend: { position: "bottom" },
      },
      scales: {
        x: { title: { display: true, text: "commit (oldest → newest)" } },
        // At least ±5 % around the median level, so run-to-run noise is not magnified into drama.
        y: {
          title: { display: true, text: trend.unit },
          suggestedMin: level * 0.95,
          suggestedMax: level * 1.05,
        },
      },
    },
    ...(withPlugins ? { plugins: [changePointLines(changePoints)] } : {}),
  };
}

export interface TrendRunPoint {
  /** How the point is named on the axis, e.g. "PR #2". */
  label: string;
  commit: string;
  value: number;
}

/** The PR's level as one large point after the default branch's history. */
function prPointDataset(pr: TrendRunPoint, at: number): ChartDataset<"line", (number | null)[]> {
  return {
    label: `${pr.label} (this run)`,
    data: [...Array<null>(at).fill(null), pr.value],
    borderColor: RED,
    backgroundColor: RED,
    pointStyle: "rectRot",
    pointRadius: 8,
    showLine: false,
  };
}

/**
 * The current level's noise band as two lines filled between (Chart.js `fill: "-1"`): where the
 * default branch's runs fall since the last change point. None when the level has < 3 runs.
 */
export function noiseBandDatasets(
  values: readonly number[],
  changePoints: readonly number[],
  /** Points on the axis (the history, and a PR's point after it). */
  length = values.length,
): ChartDataset<"line", (number | null)[]>[] {
  const band = computeNoiseBand(values, changePoints);
  if (!band) return [];
  const over = (v: number): (number | null)[] =>
    Array.from({ length }, (_, i) => (i >= band.from ? v : null));
  const line = { borderColor: BAND, borderWidth: 0, pointRadius: 0, tension: 0 };
  return [
    { ...line, label: "noise band: current level ± 2 robust σ", data: over(band.low), fill: false },
    {
      ...line,
      label: "noise band (upper)",
      data: over(band.high),
      fill: "-1",
      backgroundColor: BAND,
    },
  ];
}

/** Pixel height of the comparison chart: room for each metric's bar, within bounds. */
export function compareChartHeight(rows: readonly CompareRow[]): number {
  return Math.max(260, Math.min(1200, 140 + 56 * rows.filter((r) => r.changePct !== null).length));
}

/** Change of each metric's median from run A to run B, green where B is better, red where worse. */
export function compareChartConfig(
  rows: readonly CompareRow[],
  a: string,
  b: string,
): ChartConfiguration<"bar"> {
  const shown = rows.filter((r) => r.changePct !== null);
  return {
    type: "bar",
    data: {
      labels: shown.map((r) => r.key),
      datasets: [
        {
          label: `median change, ${b} vs ${a} (%)`,
          data: shown.map((r) => r.changePct ?? 0),
          backgroundColor: shown.map((r) =>
            r.better === true ? GREEN : r.better === false ? RED : GREY,
          ),
          maxBarThickness: 40,
        },
      ],
    },
    options: {
      indexAxis: "y",
      plugins: {
        title: {
          display: true,
          text: `Run ${b} against run ${a}: change of each metric's median`,
          font: { size: 15 },
        },
        legend: { display: false },
      },
      scales: { x: { title: { display: true, text: "change (%)" } } },
    },
  };
}
