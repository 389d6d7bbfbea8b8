// npm run bench:report — what a reader gets from the 1.3×-slower PR: the recorded history of main
// archived as the pipeline archives it, the recorded slower PR judged against it (judgeAgainstArchive
// over a local archive), its check summary and PR comment rendered, and every link in them requested
// from the archive's pages. Counts, not times: the lines and bytes of the comment, links that do not
// resolve, and labels that contradict their interval and threshold; and, in chromium at 390 px, how
// far the PR's run page scrolls sideways.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLocalArchiveStore } from "@mlxbench/archive";
import { serveLocalPages } from "@mlxbench/service";
import { createPagesRoutes } from "@mlxbench/service/testing";
import { countContradictions, findLinks, visibleLines } from "../src/github/read-comment.js";
import { FLOW_REPO, seedSlowerPrFlow } from "../src/pipeline/slower-pr-flow.test-support.js";
import { measureMobileOverflow } from "./measure-mobile-overflow.js";

const ORIGIN = "http://pages.bench";

const dir = await mkdtemp(join(tmpdir(), "bench-report-"));
try {
  const store = createLocalArchiveStore(join(dir, "archive"));
  const { verdict, runUrl, summary, comment } = await seedSlowerPrFlow(store, ORIGIN);
  const pages = createPagesRoutes({ store, publicUrl: ORIGIN });
  let broken = 0;
  const links = findLinks(summary).filter((l) => l.startsWith(ORIGIN));
  for (const link of links) {
    const [path = "", anchor] = link.split("#");
    const res = await pages.request(path);
    const html = await res.text();
    const ok =
      res.status === 200 &&
      (anchor === undefined || html.includes(`id="${decodeURIComponent(anchor)}"`));
    if (!ok) {
      broken++;
      console.log(
        `broken link: ${link} (${res.status}${res.status === 200 ? ", no such anchor" : ""})`,
      );
    }
  }
  const runPage = await (await pages.request(runUrl)).text();
  const order = [...runPage.matchAll(/data-metric="([^"]+)"/g)].map((m) => m[1]);
  const regressed = new Set(
    verdict.metrics.filter((m) => m.outcome === "regressed").map((m) => m.key),
  );
  const regressedRow = order.findIndex((k) => k !== undefined && regressed.has(k)) + 1;
  const firstLine = comment.split("\n").find((l) => !l.startsWith("<!--")) ?? "";
  const firstHasRegressed = [...regressed].some((k) => firstLine.includes(k));
  const lines = visibleLines(comment);
  const local = await serveLocalPages({ store, repository: FLOW_REPO });
  const onPhone = async (url: string): Promise<number> => {
    const m = await measureMobileOverflow(local.url + url.slice(ORIGIN.length));
    if (m.px > 0) for (const c of m.culprits) console.log(`${url} wider than 390 px: ${c}`);
    return m.px;
  };
  // The figure is the run page's; the pages it links to are measured too, for the reader's sake.
  const mobile = { px: await onPhone(runUrl) };
  const linked = [...new Set(links.map((l) => l.split("#")[0] ?? l))].filter((l) => l !== runUrl);
  const linkedOverflow = Math.max(0, ...(await Promise.all(linked.map(onPhone))));
  await local.close();
  console.log(
    `sideways scroll at 390 px of the ${linked.length} other linked pages: at most ${linkedOverflow} px`,
  );

  console.log(comment);
  console.log(
    `links checked: ${links.length}; metrics: ${verdict.metrics.length}; verdict: ${verdict.kind}`,
  );
  console.log(
    `RESULT comment_lines=${lines} comment_bytes=${Buffer.byteLength(comment)} first_line_has_regressed_metric=${firstHasRegressed} broken_links=${broken} run_page_regressed_row=${regressedRow} mobile_overflow_px=${mobile.px} contradictions=${countContradictions(comment)}`,
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
