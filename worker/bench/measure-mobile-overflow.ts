import { chromium } from "playwright-core";

/** Debian's chromium, as the pages' browser tests launch it. */
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"];

// Runs in the page; a string because the worker is compiled without the DOM's types.
const MEASURE = `(() => {
  const root = document.documentElement;
  const limit = root.clientWidth;
  const culprits = [...document.querySelectorAll("body *")]
    .filter((el) => el.getBoundingClientRect().right > limit + 0.5)
    .slice(0, 10)
    .map((el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + " right=" + Math.round(el.getBoundingClientRect().right));
  return { px: root.scrollWidth - limit, culprits };
})()`;

export interface MobileOverflow {
  /** document.scrollWidth − clientWidth: how far the page scrolls sideways; 0 when it does not. */
  px: number;
  /** The elements whose right edge passes the viewport, for whoever has to fix it. */
  culprits: string[];
}

/** Opens `url` in chromium at a phone's width (390 px) and measures the sideways scroll. */
export async function measureMobileOverflow(url: string, width = 390): Promise<MobileOverflow> {
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: CHROMIUM_ARGS,
  });
  try {
    const page = await browser.newPage({ viewport: { width, height: 844 } });
    const res = await page.goto(url, { waitUntil: "load" });
    if (!res || res.status() !== 200)
      throw new Error(`measureMobileOverflow: ${url} answered ${res?.status() ?? "nothing"}`);
    return await page.evaluate<MobileOverflow>(MEASURE);
  } finally {
    await browser.close();
  }
}
