import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { trendChartConfig } from "./chart-configs.js";
import { createLocalPagesApp } from "./index.js";
import type { MetricTrend } from "./load-trends.js";
import { PUBLIC_REPO, seedArchive, type SeededArchive } from "./testing/seed-archive.js";

let dir: string;
let seeded: SeededArchive;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mlxbench-trend-run-"));
  seeded = await seedArchive(dir);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("a PR's point on the trend charts (?run=)", () => {
  it("draws the run after the history, inside the band's reach", () => {
    const trend: MetricTrend = {
      key: "k",
      label: "K",
      unit: "ms",
      direction: "lower_is_better",
      gated: true,
      points: [50, 51, 49, 50].map((value, i) => ({
        runId: `r${i}`,
        commit: String(i).repeat(40),
        finishedAt: new Date(Date.UTC(2026, 0, i + 1)).toISOString(),
        value,
        changePoint: false,
      })),
    };
    const config = trendChartConfig(trend, "main", false, {
      label: "PR #2",
      commit: "a".repeat(40),
      value: 65,
    });
    expect(config.data.labels?.at(-1)).toBe("PR #2 aaaaaaa");
    const pr = config.data.datasets.find((d) => d.label === "PR #2 (this run)");
    expect(pr?.data).toEqual([null, null, null, null, 65]);
    const band = config.data.datasets.find((d) => d.label?.startsWith("noise band:"));
    expect(band?.data).toHaveLength(5);
  });

  it("serves the chart with the run's point, and 404 for a run that is not there", async () => {
    const app = createLocalPagesApp({ store: seeded.store });
    const chart = `/reports/${PUBLIC_REPO}/trends/inference.e2e_ms.png`;
    const ok = await app.request(`${chart}?run=${seeded.pr.regressed}`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toBe("image/png");
    expect((await app.request(`${chart}?run=no-such-run`)).status).toBe(404);
  });

  it("is linked from the run page", async () => {
    const app = createLocalPagesApp({ store: seeded.store });
    const res = await app.request(`/reports/${PUBLIC_REPO}/runs/${seeded.pr.regressed}`);
    expect(await res.text()).toContain(
      `href="/reports/${PUBLIC_REPO}/trends?run=${seeded.pr.regressed}"`,
    );
  });

  it("links every chart of the trends page to the run given", async () => {
    const app = createLocalPagesApp({ store: seeded.store });
    const res = await app.request(`/reports/${PUBLIC_REPO}/trends?run=${seeded.pr.regressed}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    const srcs = [...html.matchAll(/src="([^"]*\/trends\/[^"]*\.png[^"]*)"/g)].map((m) => m[1]);
    expect(srcs.length).toBeGreaterThan(0);
    for (const src of srcs) expect(src).toContain(`run=${seeded.pr.regressed}`);
  });
});
