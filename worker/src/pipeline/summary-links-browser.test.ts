// Issue 18, item 1: every link of the PR's check summary and comment, as the worker renders them,
// opened in chromium against the archive's pages (served read-only on a real socket): each is a 200
// and shows the run it names — the baseline by its archive id, never the suite's run id.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLocalArchiveStore } from "@mlxbench/archive";
import { serveLocalPages, type LocalPagesServer } from "@mlxbench/service";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findLinks } from "../github/read-comment.js";
import { seedSlowerPrFlow, type SlowerPrFlow } from "./slower-pr-flow.test-support.js";

const ORIGIN = "http://pages.test";
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"];

let dir: string;
let flow: SlowerPrFlow;
let pages: LocalPagesServer;
let browser: Browser;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mlxbench-summary-links-"));
  const store = createLocalArchiveStore(join(dir, "archive"));
  flow = await seedSlowerPrFlow(store, ORIGIN);
  pages = await serveLocalPages({ store });
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await pages?.close();
  await rm(dir, { recursive: true, force: true });
});

/** Opens a link of the rendered texts on the local pages; returns the page and its status. */
async function follow(link: string, width = 1280): Promise<{ page: Page; status: number }> {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  const res = await page.goto(pages.url + link.slice(ORIGIN.length), { waitUntil: "load" });
  return { page, status: res?.status() ?? 0 };
}

describe("links of the PR's check summary and comment", () => {
  it("name the baseline by the archive's id, which differs from the suite's run id", () => {
    const last = flow.mainRuns.at(-1);
    expect(last).toBeDefined();
    expect(last?.archiveId).not.toBe(last?.suiteRunId);
    expect(flow.verdict.baseline?.runId).toBe(last?.archiveId);
    const all = flow.summary + flow.comment;
    expect(all).toContain(`/runs/${last?.archiveId ?? "?"}`);
    for (const run of flow.mainRuns) expect(all).not.toContain(run.suiteRunId);
  });

  it.each(["summary", "comment"] as const)(
    "every link of the %s opens to a 200 showing what it names",
    async (which) => {
      const links = [...new Set(findLinks(flow[which]).filter((l) => l.startsWith(ORIGIN)))];
      const kinds = new Set(links.map((l) => new URL(l).pathname.split("/")[4]));
      // The run page, the baseline's run page, compare and the trends must all be linked.
      expect([...kinds].sort()).toEqual(["compare", "runs", "trends"]);
      const baselineId = flow.verdict.baseline?.runId ?? "";
      expect(links.some((l) => l.endsWith(`/runs/${baselineId}`))).toBe(true);
      for (const link of links) {
        const { page, status } = await follow(link);
        try {
          expect(status, link).toBe(200);
          const url = new URL(link);
          const kind = url.pathname.split("/")[4];
          if (kind === "runs") {
            const id = decodeURIComponent(url.pathname.split("/")[5] ?? "");
            await expect(page.locator("h1").textContent(), link).resolves.toContain(id);
          } else if (kind === "compare") {
            for (const side of ["a", "b"]) {
              const id = url.searchParams.get(side) ?? "";
              const selected = page.locator(`select[name="${side}"] option[selected]`);
              await expect(selected.getAttribute("value"), link).resolves.toBe(id);
            }
            await expect(
              page.locator("#compare tr[data-metric]").count(),
              link,
            ).resolves.toBeGreaterThan(0);
          } else {
            expect(url.hash, link).toMatch(/^#m-/);
            const anchor = page.locator(`[id="${decodeURIComponent(url.hash.slice(1))}"]`);
            await expect(anchor.count(), link).resolves.toBe(1);
            // a folded (not gated) metric the comment links to is open: ?run= unfolds it
            const shown = anchor.evaluate(
              (el) => (el as unknown as { open?: boolean }).open !== false,
            );
            await expect(shown, link).resolves.toBe(true);
          }
        } finally {
          await page.close();
        }
      }
    },
    120_000,
  );

  // Real run ids and dates make the compare page's run pickers wide: they once pushed it 16 px.
  it("every page they link fits a phone: no sideways scroll at 390 px", async () => {
    const links = findLinks(flow.summary).filter((l) => l.startsWith(ORIGIN));
    for (const link of new Set(links.map((l) => l.split("#")[0] ?? l))) {
      const { page, status } = await follow(link, 390);
      try {
        expect(status, link).toBe(200);
        const overflow = await page.evaluate<number>(
          "document.documentElement.scrollWidth - document.documentElement.clientWidth",
        );
        expect(overflow, link).toBeLessThanOrEqual(0);
      } finally {
        await page.close();
      }
    }
  }, 120_000);
});
