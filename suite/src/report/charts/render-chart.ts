import { createCanvas } from "@napi-rs/canvas";
import { Chart, registerables } from "chart.js";
import type { ChartConfiguration, Plugin } from "chart.js";

/** The kinds of chart the suite and the pages draw; a union, so one function may return either. */
export type AnyChartConfiguration =
  ChartConfiguration<"bar"> | ChartConfiguration<"line"> | ChartConfiguration<"scatter">;

Chart.register(...registerables);

export interface RenderChartOptions {
  width?: number;
  height?: number;
  /** CSS colour under the chart; PNGs with a transparent background read badly in dark themes. */
  background?: string;
  /** Device pixel ratio: 2 renders a sharper image at twice the pixel dimensions. */
  devicePixelRatio?: number;
}

/** The part of the 2D context the background needs (Chart.js types it with the DOM's, absent here). */
interface FillContext {
  save(): void;
  restore(): void;
  fillRect(x: number, y: number, w: number, h: number): void;
  globalCompositeOperation: string;
  fillStyle: string;
}

/** Fills the canvas before Chart.js draws, so the PNG has an opaque background. */
function backgroundPlugin(colour: string): Plugin {
  return {
    id: "mlxbench-background",
    beforeDraw(chart) {
      const ctx = chart.ctx as unknown as FillContext;
      ctx.save();
      ctx.globalCompositeOperation = "destination-over";
      ctx.fillStyle = colour;
      ctx.fillRect(0, 0, chart.width, chart.height);
      ctx.restore();
    },
  };
}

/**
 * Renders any Chart.js configuration to a PNG, locally (Skia through @napi-rs/canvas; no browser,
 * no network). Animation and responsiveness are forced off: there is one frame and no DOM.
 */
export async function renderChartPng(
  config: AnyChartConfiguration,
  opts: RenderChartOptions = {},
): Promise<Buffer> {
  const width = opts.width ?? 960;
  const height = opts.height ?? 540;
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext("2d");
  const options = {
    ...(config.options ?? {}),
    responsive: false,
    animation: false,
    devicePixelRatio: opts.devicePixelRatio ?? 1,
  };
  const chart = new Chart(
    // Chart.js only needs the 2D context API, which the Skia context implements.
    ctx,
    {
      ...config,
      options,
      plugins: [...(config.plugins ?? []), backgroundPlugin(opts.background ?? "#ffffff")],
    } as unknown as ChartConfiguration,
  );
  try {
    return await canvas.encode("png");
  } finally {
    chart.destroy();
  }
}
