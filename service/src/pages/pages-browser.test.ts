import { mkdir, mkdtemp, rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { serve, type ServerType } from "@hono/node-server";
import { loadImage, createCanvas } from "@napi-rs/canvas";
import { Hono } from "hono";
import {
  chromium,
  type Browser,
  type BrowserContext,
  type Locator,
  type Page,
} from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPagesRoutes, signReportUrl } from "./index.js";
import { CLIPPED_CELLS } from "./testing/clipped-cells.js";
import {
  MAIN_RUNS,
  PRIVATE_REPO,
  PUBLIC_REPO,
  SHIFT_AT,
  seedArchive,
  type SeededArchive,
} from "./testing/seed-archive.js";

const SECRET = "b".repeat(40);
const SCREENSHOTS = join(
  dirname(fileURLToPath(import.meta.url)),
  "../../../test-artifacts/screenshots",
);
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

let dir: string;
let seeded: SeededArchive;
let server: ServerType;
let base: string;
let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mlxbench-pages-browser-"));
  await mkdir(SCREENSHOTS, { recursive: true });
  seeded = await seedArchive(dir);
  const app = new Hono();
  app.route("/", createPagesRoutes({ store: seeded.store, secret: SECRET }));
  server = await new Promise<ServerType>((ok) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => ok(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await new Promise((ok) => server?.close(ok));
  await rm(dir, { recursive: true, force: true });
});

/** Opens a page that records console errors, page errors and failed requests for the test to assert on. */
async function open(
  path: string,
  ctx: BrowserContext = context,
): Promise<{ page: Page; problems: string[]; status: number }> {
  const page = await ctx.newPage();
  const problems: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()}`));
  page.on("response", (r) => {
    if (r.status() >= 400 && r.request().resourceType() !== "document")
      problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  const res = await page.goto(`${base}${path}`);
  return { page, problems, status: res?.status() ?? 0 };
}

/** One attribute of every element the locator matches. */
async function attrs(locator: Locator, name: string): Promise<(string | null)[]> {
  return Promise.all((await locator.all()).map((l) => l.getAttribute(name)));
}

interface ImageLike {
  complete: boolean;
  naturalWidth: number;
}

/** Scrolls every lazy image into view and waits until each has decoded. */
async function loadImages(page: Page): Promise<number[]> {
  const images = page.locator("img");
  const widths: number[] = [];
  for (let i = 0; i < (await images.count()); i++) {
    const img = images.nth(i);
    await img.scrollIntoViewIfNeeded();
    // No DOM lib in this tsconfig: the image's two fields are named by hand.
    await page.waitForFunction(
      (el) => (el as unknown as ImageLike).complete,
      await img.elementHandle(),
    );
    widths.push(await img.evaluate((el) => (el as unknown as ImageLike).naturalWidth));
  }
  return widths;
}

async function shoot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Decodes a PNG and counts distinct colours and the pixels of one colour (±12 per channel). */
async function inspectPng(
  bytes: Buffer,
  rgb: [number, number, number],
): Promise<{ width: number; height: number; colours: number; matching: number }> {
  const image = await loadImage(bytes);
  const canvas = createCanvas(image.width, image.height);
  const ctx = canvas.getContext("2d");
  ctx.drawImage(image, 0, 0);
  const data = ctx.getImageData(0, 0, image.width, image.height).data;
  const colours = new Set<number>();
  let matching = 0;
  for (let i = 0; i < data.length; i += 4) {
    const [r = 0, g = 0, b = 0] = [data[i], data[i + 1], data[i + 2]];
    colours.add((r << 16) | (g << 8) | b);
    if (Math.abs(r - rgb[0]) <= 12 && Math.abs(g - rgb[1]) <= 12 && Math.abs(b - rgb[2]) <= 12)
      matching++;
  }
  return { width: image.width, height: image.height, colours: colours.size, matching };
}

const RED: [number, number, number] = [0xdc, 0x26, 0x26];
const GREEN: [number, number, number] = [0x16, 0xa3, 0x4a];

describe("report pages in Chromium", () => {
  it("lists runs newest first, and the filters and links narrow them", async () => {
    const { page, problems, status } = await open(`/reports/${PUBLIC_REPO}`);
    expect(status).toBe(200);
    const rows = page.locator("#runs tbody tr");
    expect(await rows.count()).toBe(MAIN_RUNS + 6);
    expect(await rows.first().getAttribute("data-run")).toBe(seeded.pr.confirmed);
    expect(await rows.last().getAttribute("data-run")).toBe("main-00");
    await shoot(page, "runs");

    await page.selectOption("select[name=verdict]", "failure");
    await Promise.all([page.waitForURL(/verdict=failure/), page.click("button[type=submit]")]);
    const failing = await attrs(page.locator("#runs tbody tr"), "data-run");
    expect(failing).toContain(seeded.pr.regressed);
    expect(failing).toContain(seeded.pr.validationFailed);
    expect(failing).not.toContain(seeded.pr.improved);
    expect(await page.locator("#runs tbody .badge").allTextContents()).toEqual(
      failing.map(() => "failure"),
    );

    await page.fill("input[name=branch]", "main");
    await page.selectOption("select[name=verdict]", "");
    await Promise.all([page.waitForURL(/branch=main/), page.click("button[type=submit]")]);
    expect(await page.locator("#runs tbody tr").count()).toBe(MAIN_RUNS);

    await page.click("text=clear filters");
    await Promise.all([page.waitForURL(/pr=42/), page.click('#runs a:text-is("#42")')]);
    expect(await attrs(page.locator("#runs tbody tr"), "data-run")).toEqual([seeded.pr.regressed]);
    await shoot(page, "runs-filtered-pr42");

    await Promise.all([
      page.waitForURL(/\/runs\/pr42-a$/),
      page.locator("#runs tbody tr a").first().click(),
    ]);
    expect(await page.locator("h1").textContent()).toContain("pr42-a");
    expect(problems).toEqual([]);
    await page.close();
  });

  it("lists a run's metrics in the comment's order: regressed first, then undecided, then the rest", async () => {
    const order = ["regressed", "invalid", "missing", "inconclusive", "improved", "unchanged"];
    const rank = (o: string): number => (order.includes(o) ? order.indexOf(o) : order.length);
    const seen = new Set<string>();
    for (const runId of Object.values(seeded.pr)) {
      const { page } = await open(`/reports/${PUBLIC_REPO}/runs/${runId}`);
      const badges = page.locator("#metrics tbody tr[data-metric] .badge");
      const outcomes = await Promise.all(
        (await badges.all()).map(async (b) => (await b.getAttribute("data-outcome")) ?? ""),
      );
      // Each says it in the check's and the comment's words, never the verdict's raw outcome.
      const words = await badges.allTextContents();
      for (const [i, o] of outcomes.entries()) {
        const w = words[i] ?? "";
        if (o === "inconclusive" || o === "unchanged")
          expect(w, `${runId} row ${i}`).toMatch(
            /^(⚪ unchanged|🟡 not decided \(|🟠 unconfirmed: )/,
          );
        else if (o === "insufficient_samples")
          expect(w).toMatch(/^🟡 not decided \(n=\d+ vs 2 needed\)$/);
        else expect(w).toContain(o);
      }
      const ranks = outcomes.map(rank);
      expect(ranks, `${runId}: ${outcomes.join(", ")}`).toEqual([...ranks].sort((a, b) => a - b));
      outcomes.forEach((o) => seen.add(o));
      await page.close();
    }
    // The seeded runs mix outcomes, so a page in the suite's order would fail above.
    expect(seen.size).toBeGreaterThan(2);
  });

  it("shows one run: summary, metric table against the baseline, charts, validation, artifacts", async () => {
    const { page, problems } = await open(`/reports/${PUBLIC_REPO}/runs/${seeded.pr.regressed}`);
    expect(await page.locator("h1 .badge").textContent()).toBe("failure");
    const e2e = page.locator('#metrics tr[data-metric="inference.e2e_ms"]');
    expect(await e2e.locator(".badge").textContent()).toBe("🔴 regressed");
    const cells = await e2e.locator("td").allTextContents();
    expect(cells[1]).toMatch(/^11\d\.\d ms$/); // baseline median, after the shift
    expect(cells[2]).toMatch(/^1[45]\d\.\d ms$/);
    expect(cells[3]).toMatch(/^\+\d+\.\d %$/);
    expect(cells[4]).toMatch(/ … /);
    // The summary's raw HTML is text, and the page runs no script at all.
    expect(await page.locator(".md").textContent()).toContain("<script>alert('xss')</script>");
    expect(await page.locator("script").count()).toBe(0);
    expect(await page.locator('.md a[href^="javascript"]').count()).toBe(0);
    expect(await page.locator(".md table td").first().textContent()).toBe("end-to-end latency p50");
    expect(await page.locator("#validation tbody tr").count()).toBe(3);
    // At 1280 px no cell of the metric table is cut, A/B pairs' lines and reasons included.
    expect(await page.evaluate<string[]>(CLIPPED_CELLS)).toEqual([]);
    // One baseline-vs-run chart per changed metric (the regression first), then the run's chart.
    const changed = await Promise.all(
      (await page.locator("figure[data-change]").all()).map((f) => f.getAttribute("data-change")),
    );
    expect(changed[0]).toBe("inference.e2e_ms");
    const widths = await loadImages(page);
    expect(widths).toEqual([...changed.map(() => 760), 640]);
    await shoot(page, "run-regressed");

    const [log] = await Promise.all([
      page.waitForResponse(/cluster-distributed\.log$/),
      page.click("text=files/logs/cluster-distributed.log"),
    ]);
    expect(log.headers()["content-type"]).toBe("text/plain; charset=utf-8");
    expect(await page.locator("body").textContent()).toContain("run pr42-a done");
    await page.goBack();
    await Promise.all([page.waitForURL(/\/runs\/main-11$/), page.click('a:text-is("main-11")')]);
    expect(await page.locator("h1").textContent()).toContain("main-11");
    expect(problems).toEqual([]);
    await page.close();
  });

  it("says which document is corrupt and renders the rest", async () => {
    const { page, problems, status } = await open(
      `/reports/${PUBLIC_REPO}/runs/${seeded.pr.corrupt}`,
    );
    expect(status).toBe(200);
    expect(await page.locator(".notice.err").first().textContent()).toMatch(
      /run_result\.json could not be read: not valid JSON/,
    );
    expect(await page.locator('section[aria-label="verdict"] .badge').textContent()).toBe(
      "success",
    );
    expect(await page.locator("ul.files li").count()).toBeGreaterThan(4);
    await loadImages(page);
    await shoot(page, "run-corrupt");
    expect(problems).toEqual([]);
    await page.close();
  });

  it("draws each metric's trend with the shift marked, and links each point to its run", async () => {
    const { page, problems } = await open(`/reports/${PUBLIC_REPO}/trends`);
    const sections = page.locator("section[id^=m-]");
    expect(await sections.count()).toBe(3);
    const widths = await loadImages(page);
    expect(widths).toEqual([960, 960, 960]);

    const e2e = page.locator('section[id="m-inference.e2e_ms"]');
    await e2e.locator("summary").click();
    const rows = e2e.locator("tbody tr");
    expect(await rows.count()).toBe(MAIN_RUNS);
    const marked = await attrs(e2e.locator("tbody tr.cp a"), "href");
    expect(marked).toEqual([
      `/reports/${PUBLIC_REPO}/runs/main-${String(SHIFT_AT).padStart(2, "0")}`,
    ]);
    await shoot(page, "trends");

    const src = (await e2e.locator("img").getAttribute("src")) ?? "";
    const png = await page.request.get(`${base}${src}`);
    expect(png.headers()["content-type"]).toBe("image/png");
    expect(png.headers()["cache-control"]).toContain("max-age");
    const e2eImage = await inspectPng(await png.body(), RED);
    expect([e2eImage.width, e2eImage.height]).toEqual([960, 540]);
    expect(e2eImage.colours).toBeGreaterThan(20);
    expect(e2eImage.matching).toBeGreaterThan(50); // the change point's red line and marker
    const tpsSrc =
      (await page
        .locator('section[id="m-throughput.output_tokens_per_s"] img')
        .getAttribute("src")) ?? "";
    const tpsImage = await inspectPng(
      await (await page.request.get(`${base}${tpsSrc}`)).body(),
      RED,
    );
    expect(tpsImage.colours).toBeGreaterThan(20);
    expect(tpsImage.matching).toBe(0); // a flat metric: no change point drawn

    await Promise.all([page.waitForURL(/\/runs\/main-06$/), e2e.locator("tbody tr.cp a").click()]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("compares two chosen runs side by side", async () => {
    const { page, problems } = await open(`/reports/${PUBLIC_REPO}/compare`);
    await page.selectOption("select[name=a]", "main-11");
    await page.selectOption("select[name=b]", seeded.pr.improved);
    await Promise.all([page.waitForURL(/a=main-11&b=pr41-a/), page.click("button[type=submit]")]);
    expect(await page.locator('section[aria-label="run A"] h2').textContent()).toContain("main-11");
    expect(await page.locator('section[aria-label="run B"] h2').textContent()).toContain("pr41-a");
    const e2e = await page
      .locator('#compare tr[data-metric="inference.e2e_ms"] td')
      .allTextContents();
    expect(e2e[3]).toMatch(/^−1\d\.\d %$/);
    // pr41-a was judged against main-11: the row says what its verdict said, in its words.
    expect(e2e[4]).toMatch(/^🟢 improved threshold ±\d+(\.\d+)? %$/);
    expect(await loadImages(page)).toEqual([960]);
    const src = (await page.locator("img.chart").getAttribute("src")) ?? "";
    const chart = await inspectPng(await (await page.request.get(`${base}${src}`)).body(), GREEN);
    expect(chart.matching).toBeGreaterThan(500); // B is better on every metric: green bars
    await shoot(page, "compare");
    expect(problems).toEqual([]);
    await page.close();
  });

  it("answers unknown repositories and runs with a 404 page", async () => {
    for (const path of ["/reports/acme/nothing-here", `/reports/${PUBLIC_REPO}/runs/nope`]) {
      const { page, status, problems } = await open(path);
      expect(status).toBe(404);
      expect(await page.locator("h1").textContent()).toBe("Not found");
      // Chromium logs the document's own 404 status; nothing else may fail.
      expect(problems).toEqual([
        "console: Failed to load resource: the server responded with a status of 404 (Not Found)",
      ]);
      if (path.endsWith("nope")) await shoot(page, "not-found");
      await page.close();
    }
  });

  it("opens a private run through its signed link, images included, and nothing beyond it", async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const runPath = `/reports/${PRIVATE_REPO}/runs/secret-2`;
    expect((await open(runPath, ctx)).status).toBe(404);
    const { page, status, problems } = await open(
      signReportUrl(runPath, SECRET, Date.now() + 3600_000),
      ctx,
    );
    expect(status).toBe(200);
    // Every image loads through the signed link: a baseline-vs-run chart per changed metric, then
    // the run's chart (as the regressed run's page above).
    const changed = await page.locator("figure[data-change]").count();
    expect(await loadImages(page)).toEqual([...Array.from({ length: changed }, () => 760), 640]);
    await shoot(page, "run-private-signed");
    expect(problems).toEqual([]);
    expect((await open(`/reports/${PRIVATE_REPO}/trends`, ctx)).status).toBe(404);
    await ctx.close();
  });

  it("fits a phone: no page-wide horizontal scroll, tables scroll in place", async () => {
    const phone = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
    });
    for (const [path, name] of [
      [`/reports/${PUBLIC_REPO}/runs/${seeded.pr.regressed}`, "phone-run"],
      [`/reports/${PUBLIC_REPO}`, "phone-runs"],
      [`/reports/${PUBLIC_REPO}/trends`, "phone-trends"],
      [
        `/reports/${PUBLIC_REPO}/compare?a=${seeded.mainRunIds[0] ?? ""}&b=${seeded.pr.regressed}`,
        "phone-compare",
      ],
    ] as const) {
      const { page, problems } = await open(path, phone);
      const overflow = await page.evaluate<number>(
        "document.documentElement.scrollWidth - window.innerWidth",
      );
      expect(overflow, path).toBeLessThanOrEqual(0);
      await loadImages(page);
      await shoot(page, name);
      expect(problems).toEqual([]);
    }
    await phone.close();
  });
});
