import { mkdtemp, rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serve, type ServerType } from "@hono/node-server";
import { Hono } from "hono";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPagesRoutes } from "./index.js";
import { CLIPPED_CELLS } from "./testing/clipped-cells.js";
import {
  SLOW_METRIC,
  SLOW_UNGATED,
  WIDE_GATED,
  WIDE_PR_RUN,
  WIDE_REPO,
  seedWideArchive,
} from "./testing/seed-wide-archive.js";

// The pages measured in Chromium on a run with the full suite's 52 metrics and long names: no
// clipped cell at 1280 px, no sideways scroll at 390 px, each metric once, trends folded.

const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"];
const REPO = `/reports/${WIDE_REPO}`;
const PAGES = [
  `${REPO}/runs/${WIDE_PR_RUN}`,
  REPO,
  `${REPO}/compare?a=main-5&b=${WIDE_PR_RUN}`,
  `${REPO}/trends?run=${WIDE_PR_RUN}`,
];

let dir: string;
let server: ServerType;
let base: string;
let browser: Browser;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mlxbench-pages-layout-"));
  const store = await seedWideArchive(dir);
  const app = new Hono();
  app.route("/", createPagesRoutes({ store, secret: "c".repeat(40) }));
  server = await new Promise<ServerType>((ok) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => ok(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ARGS });
});

afterAll(async () => {
  await browser?.close();
  await new Promise((ok) => server?.close(ok));
  await rm(dir, { recursive: true, force: true });
});

async function open(path: string, width: number, height = 800): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height } });
  const res = await page.goto(`${base}${path}`);
  expect(res?.status(), path).toBe(200);
  return page;
}

describe("report pages on the full suite's 52 metrics", () => {
  it.each(PAGES)("clips no table cell at 1280 px: %s", async (path) => {
    const page = await open(path, 1280);
    await page.evaluate("document.querySelectorAll('details').forEach((d) => (d.open = true))");
    // the run page's and the compare page's metric tables have every row: 52 of them measured
    if (path.includes("/runs/") || path.includes("compare"))
      expect(await page.locator("table#metrics tbody tr, table#compare tbody tr").count()).toBe(52);
    expect(await page.evaluate<string[]>(CLIPPED_CELLS)).toEqual([]);
    await page.close();
  });

  it.each(PAGES)("does not scroll sideways at 390 px: %s", async (path) => {
    const page = await open(path, 390, 844);
    await page.evaluate("document.querySelectorAll('details').forEach((d) => (d.open = true))");
    const overflow = await page.evaluate<number>(
      "document.documentElement.scrollWidth - document.documentElement.clientWidth",
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await page.close();
  });

  it("shows each metric once on the run page, the archived summary's table included", async () => {
    const page = await open(`${REPO}/runs/${WIDE_PR_RUN}`, 1280);
    const keys = await page
      .locator("#metrics tbody tr")
      .evaluateAll((rows) =>
        rows.map((r) => (r as unknown as { dataset: { metric: string } }).dataset.metric),
      );
    expect(keys).toHaveLength(52);
    // every table row on the page that names a metric's key, wherever it is
    const rowsNaming = await page.evaluate<Record<string, number>>(`(() => {
      const keys = ${JSON.stringify(keys)};
      const count = {};
      for (const tr of document.querySelectorAll("tr"))
        for (const k of keys) if (tr.textContent.includes(k)) count[k] = (count[k] || 0) + 1;
      return count;
    })()`);
    expect(Object.entries(rowsNaming).filter(([, n]) => n !== 1)).toEqual([]);
    expect(Object.keys(rowsNaming)).toHaveLength(52);
    // the summary's words stay
    expect(await page.locator(".md").textContent()).toContain("Deployment readiness");
    await page.close();
  });

  it("leads the trends with the gated metrics and folds the rest", async () => {
    const page = await open(`${REPO}/trends`, 1280);
    const ids = await page.locator("[id^='m-']").evaluateAll((els) =>
      els.map((e) => ({
        id: (e as unknown as { id: string }).id,
        folded: (e as unknown as { tagName: string }).tagName === "DETAILS",
        open: (e as unknown as { open?: boolean }).open === true,
      })),
    );
    expect(ids).toHaveLength(52);
    expect(ids.slice(0, WIDE_GATED).map((e) => e.folded)).toEqual(Array(WIDE_GATED).fill(false));
    expect(ids.slice(0, WIDE_GATED).map((e) => e.id)).toContain(`m-${SLOW_METRIC}`);
    expect(ids.slice(WIDE_GATED).every((e) => e.folded && !e.open)).toBe(true);
    const height = await page.evaluate<number>("document.documentElement.scrollHeight");
    await page.evaluate(
      "document.querySelectorAll('details.trend').forEach((d) => (d.open = true))",
    );
    const unfolded = await page.evaluate<number>("document.documentElement.scrollHeight");
    // What the page used to be (every chart open) against what it is: printed, and folded is shorter.
    console.log(`trends page height at 1280 px: ${height} px folded, ${unfolded} px all open`);
    expect(height).toBeLessThan(unfolded / 4);

    // the comment's trend link (?run=…#m-key) unfolds the metrics that run changed, only those
    await page.goto(`${base}${REPO}/trends?run=${WIDE_PR_RUN}#m-${SLOW_UNGATED}`);
    const openIds = await page
      .locator("details.trend[open]")
      .evaluateAll((els) => els.map((e) => (e as unknown as { id: string }).id));
    expect(openIds).toContain(`m-${SLOW_UNGATED}`);
    expect(openIds.length).toBeLessThan(ids.length - WIDE_GATED);
    await page.close();
  });
});
