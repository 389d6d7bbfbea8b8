import { createCanvas, loadImage } from "@napi-rs/canvas";
import { describe, expect, it } from "vitest";
import { concurrencySweepChart } from "./concurrency-sweep-chart.js";
import { renderChartPng } from "./render-chart.js";
import {
  latencyDistributionChart,
  singleVsDistributedChart,
  transferRateChart,
} from "./suite-charts.js";

async function distinctColours(
  png: Buffer,
): Promise<{ width: number; height: number; colours: number }> {
  const image = await loadImage(png);
  const canvas = createCanvas(image.width, image.height);
  const ctx = canvas.getContext("2d");
  ctx.drawImage(image, 0, 0);
  const data = ctx.getImageData(0, 0, image.width, image.height).data;
  const colours = new Set<number>();
  for (let i = 0; i < data.length; i += 4 * 31)
    colours.add(((data[i] ?? 0) << 16) | ((data[i + 1] ?? 0) << 8) | (data[i + 2] ?? 0));
  return { width: image.width, height: image.height, colours: colours.size };
}

describe("renderChartPng", () => {
  it.each([
    [
      "latency histogram",
      latencyDistributionChart(
        Array.from({ length: 30 }, (_, i) => 90 + ((i * 37) % 150)),
        "End-to-end latency",
      ),
    ],
    [
      "concurrency sweep",
      concurrencySweepChart(
        [
          { concurrency: 1, outputTokensPerS: [290, 300, 310] },
          { concurrency: 4, outputTokensPerS: [850, 900, 940] },
        ],
        { concurrency: 4, outputTokensPerS: [600] },
      ),
    ],
    [
      "latency dot plot",
      latencyDistributionChart([90, 95, 101, 110, 130, 180], "End-to-end latency"),
    ],
    [
      "single vs distributed",
      singleVsDistributedChart(
        [
          { mode: "single device", outputTokensPerS: 600, e2eP50Ms: 90 },
          { mode: "distributed", outputTokensPerS: 720, e2eP50Ms: 88 },
        ],
        "1.2×",
      ),
    ],
    [
      "transfer rate",
      transferRateChart([
        { bytes: 1024, mibPerS: 1 },
        { bytes: 1024 * 1024, mibPerS: 70 },
      ]),
    ],
  ])(
    "renders the %s chart as a PNG of the given size with drawn content",
    async (_name, config) => {
      const png = await renderChartPng(config, {
        width: 800,
        height: 400,
      });
      expect(png.subarray(0, 8)).toEqual(
        Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      );
      const { width, height, colours } = await distinctColours(png);
      expect([width, height]).toEqual([800, 400]);
      expect(colours).toBeGreaterThan(3);
    },
  );

  it("renders an opaque background", async () => {
    const png = await renderChartPng(
      { type: "bar", data: { labels: [], datasets: [] } },
      { width: 100, height: 50, background: "#ff0000" },
    );
    const image = await loadImage(png);
    const canvas = createCanvas(100, 50);
    const ctx = canvas.getContext("2d");
    ctx.drawImage(image, 0, 0);
    expect([...ctx.getImageData(99, 0, 1, 1).data]).toEqual([255, 0, 0, 255]);
  });
});
