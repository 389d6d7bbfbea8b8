// `npm run demo:product`: the whole product on this machine. A fixture repository gets four pushes
// to main and two pull requests — one with the same code, one whose reference cluster is 1.3×
// slower — each run through the real pipeline (checkout, cluster start, suite, verdict, archive)
// and published to the GitHub double; the check runs and comments are printed as GitHub shows
// them, and the archive's pages are served read-only on 127.0.0.1 without GitHub credentials.
// Flags: --no-serve (exit after printing), --port N (the pages' port; default a free one).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { pino } from "pino";
import { createLocalArchiveStore } from "@mlxbench/archive";
import { serveLocalPages } from "@mlxbench/service";
import { createGitHubDouble } from "@mlxbench/sim/github";
import { createFixtureRepo } from "../src/checkout/test-support.js";
import { createPipelineDeps, loadWorkerConfig } from "../src/queue/index.js";
import { runDemoStep, type DemoContext, type DemoResult, type DemoStep } from "./demo-job.js";
import { formatPagesIndex, formatPublished } from "./print-published.js";

const REPO = "octo/demo-cluster";
const STEPS: DemoStep[] = [
  { name: "main-1", slowdown: 1 },
  { name: "main-2", slowdown: 1 },
  { name: "main-3", slowdown: 1 },
  { name: "main-4", slowdown: 1 },
  { name: "pr-1-same-code", slowdown: 1, pullRequest: 1 },
  { name: "pr-2-slower-1.3x", slowdown: 1.3, pullRequest: 2 },
];

function readFlags(argv: string[]): { serve: boolean; port: number } {
  const { values } = parseArgs({
    args: argv,
    options: { "no-serve": { type: "boolean" }, port: { type: "string" } },
  });
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be an integer 0 … 65535, got "${values.port}"`);
  return { serve: values["no-serve"] !== true, port };
}

const flags = readFlags(process.argv.slice(2));
const started = performance.now();
const tmp = await mkdtemp(join(tmpdir(), "mlxbench-demo-"));
const logger = pino({ level: "warn" }, pino.destination(2));
const gh = await createGitHubDouble();
gh.addInstallation(1, [REPO]);
const pages = await serveLocalPages({
  store: createLocalArchiveStore(join(tmp, "archive")),
  repository: REPO,
  port: flags.port,
  log: logger,
});
const cleanUp = async (): Promise<void> => {
  await pages.close();
  await gh.close();
  await rm(tmp, { recursive: true, force: true });
};

try {
  const deps = createPipelineDeps(
    loadWorkerConfig({
      ARCHIVE_DIR: join(tmp, "archive"),
      SPOOL_DIR: join(tmp, "spool"),
      WORK_DIR: join(tmp, "work"),
      CLONE_CACHE_DIR: join(tmp, "clones"),
      CLUSTER_STATE_FILE: join(tmp, "groups.json"),
      LOG_LEVEL: "warn",
      GITHUB_APP_ID: String(gh.appId),
      GITHUB_PRIVATE_KEY: gh.privateKey,
      GITHUB_API_URL: gh.url,
      GITHUB_RETRIES: "0",
      PUBLIC_URL: pages.url,
    }),
    logger,
  );
  const ctx: DemoContext = {
    repo: REPO,
    origin: await createFixtureRepo(join(tmp, "origin")),
    deps,
    gh,
    mainSha: "",
  };
  const results: DemoResult[] = [];
  for (const [i, step] of STEPS.entries()) {
    const t0 = performance.now();
    console.log(`[${i + 1}/${STEPS.length}] ${step.name}: running the pipeline …`);
    const r = await runDemoStep(ctx, step);
    results.push(r);
    const s = ((performance.now() - t0) / 1000).toFixed(0);
    console.log(`[${i + 1}/${STEPS.length}] ${step.name}: ${r.outcome.conclusion} in ${s} s`);
  }
  for (const r of results.filter((x) => x.step.pullRequest !== undefined))
    console.log(formatPublished(r, pages.url, REPO));
  console.log(formatPagesIndex(pages.url, REPO, results));
  const total = ((performance.now() - started) / 1000).toFixed(0);
  console.log(`\nThe demo ran ${STEPS.length} pipeline runs in ${total} s.`);
  if (gh.violations.length > 0)
    console.log(
      `GitHub double: ${gh.violations.length} request(s) off GitHub's OpenAPI description`,
    );
} catch (err) {
  await cleanUp();
  throw err;
}

if (flags.serve) {
  console.log("Serving the pages until Ctrl-C.");
  process.once("SIGINT", () => void cleanUp().then(() => process.exit(0)));
  process.once("SIGTERM", () => void cleanUp().then(() => process.exit(0)));
} else {
  await cleanUp();
}
