// npm run bench:report — what a reader gets from the 1.3×-slower PR: the recorded history of main
// archived as the pipeline archives it, the recorded slower PR judged against it (judgeAgainstArchive
// over a local archive), its check summary and PR comment rendered, and every link in them requested
// from the archive's pages. Counts, not times: the lines and bytes of the comment, links that do not
// resolve, and labels that contradict their interval and threshold; and, in chromium at 390 px, how
// far the PR's run page scrolls sideways.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { createLocalArchiveStore } from "@mlxbench/archive";
import { serveLocalPages } from "@mlxbench/service";
import { createPagesRoutes } from "@mlxbench/service/testing";
import { parseConfigYaml } from "@mlxbench/suite/config";
import { renderSummary } from "../src/github/index.js";
import { judgeAgainstArchive } from "../src/pipeline/index.js";
import { renderPrComment } from "../src/pipeline/render-check.js";
import {
  MAIN_RECORDINGS,
  archiveJudgedRun,
  loadRecording,
  makeJob,
  replayAs,
} from "../src/pipeline/recorded-runs.test-support.js";
import { countContradictions, findLinks, visibleLines } from "../src/github/read-comment.js";
import { measureMobileOverflow } from "./measure-mobile-overflow.js";

const ORIGIN = "http://pages.bench";
const REPO = "acme/llm-cluster";

const dir = await mkdtemp(join(tmpdir(), "bench-report-"));
try {
  const store = createLocalArchiveStore(join(dir, "archive"));
  const sha = (i: number): string => i.toString(16).padStart(40, "a");
  let mainSha = "";
  for (const [i, name] of MAIN_RECORDINGS.entries()) {
    mainSha = sha(i + 1);
    const push = makeJob({ repo: REPO, cloneUrl: "file:///none", sha: mainSha, trigger: "push" });
    await archiveJudgedRun(
      store,
      push,
      replayAs((await loadRecording(name)).runResult, mainSha, "main"),
      null,
    );
  }
  const slower = await loadRecording("slower-1.3x");
  const prSha = sha(99);
  const job = makeJob({
    repo: REPO,
    cloneUrl: "file:///none",
    sha: prSha,
    trigger: "pull_request",
    pullRequest: { number: 7, baseSha: mainSha },
  });
  const current = replayAs(slower.runResult, prSha, "feature");
  const verdict = await judgeAgainstArchive(
    { store, log: pino({ level: "silent" }) },
    job,
    current,
    parseConfigYaml(slower.configYaml),
    { mergeBase: mainSha },
  );
  await archiveJudgedRun(store, job, current, verdict);
  const runUrl = `${ORIGIN}/reports/${REPO}/runs/${encodeURIComponent(job.jobId)}`;
  const summary = renderSummary({
    conclusion: verdict.conclusion,
    reason: verdict.reason,
    commit: prSha,
    verdict,
    runResult: current,
    runUrl,
  });
  const comment = renderPrComment(summary, job);

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
  const local = await serveLocalPages({ store, repository: REPO });
  const mobile = await measureMobileOverflow(local.url + runUrl.slice(ORIGIN.length)).finally(() =>
    local.close(),
  );
  for (const c of mobile.culprits) console.log(`wider than 390 px: ${c}`);

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
