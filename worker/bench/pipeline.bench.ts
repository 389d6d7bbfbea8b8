// npm run bench:pipeline — the pipeline's own overhead on the reference cluster: time from the
// webhook delivery to the completed check run, minus the time the suite itself measured for.
// Everything real but the hardware: the service app, Redis, the worker, a fixture git repository,
// s3rver as the archive, the GitHub double.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { pino } from "pino";
import { createGitHubDouble } from "@mlxbench/sim/github";
import {
  loadExample,
  setPath,
  startHarness,
  INSTALLATION_ID,
  REPO,
} from "@mlxbench/service/testing";
import { S3RVER_CREDENTIALS, startTestS3 } from "@mlxbench/archive/testing";
import { createFixtureRepo } from "../src/checkout/test-support.js";
import { simConfigYaml, simPorts } from "../src/pipeline/test-support.js";
import type { RunJobOutcome } from "../src/pipeline/index.js";
import {
  createPipelineDeps,
  loadWorkerConfig,
  startBenchmarkWorker,
  workerRedisOptions,
} from "../src/queue/index.js";

const RUNS = Number(process.env.BENCH_RUNS ?? 4);
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] ?? NaN) : ((s[m - 1] ?? NaN) + (s[m] ?? NaN)) / 2;
};

const tmp = await mkdtemp(join(tmpdir(), "bench-pipeline-"));
const gh = await createGitHubDouble();
const harness = await startHarness({ gh });
const s3 = await startTestS3();
const redis = new Redis("redis://127.0.0.1:6379", { maxRetriesPerRequest: 1 });
const origin = await createFixtureRepo(join(tmp, "origin"));
const config = loadWorkerConfig({
  QUEUE_NAME: harness.config.QUEUE_NAME,
  KEY_PREFIX: harness.config.KEY_PREFIX,
  ARCHIVE_BUCKET: s3.bucket,
  S3_ENDPOINT: s3.endpoint,
  AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
  SPOOL_DIR: join(tmp, "spool"),
  WORK_DIR: join(tmp, "work"),
  CLONE_CACHE_DIR: join(tmp, "clones"),
  CLUSTER_STATE_FILE: join(tmp, "groups.json"),
  GITHUB_APP_ID: String(gh.appId),
  GITHUB_PRIVATE_KEY: gh.privateKey,
  GITHUB_API_URL: gh.url,
  PUBLIC_URL: "https://mlxbench.example.com",
  LOG_LEVEL: "silent",
});
const logger = pino({ level: "silent" });
const worker = await startBenchmarkWorker({
  queueName: config.QUEUE_NAME,
  connection: workerRedisOptions(config.REDIS_URL),
  redis,
  keyPrefix: config.KEY_PREFIX,
  deps: createPipelineDeps(config, logger),
  logger,
  cancelPollMs: config.CANCEL_POLL_MS,
});

const waitCompleted = async (checkRunId: number): Promise<number> => {
  const deadline = performance.now() + 180_000;
  for (;;) {
    if (performance.now() > deadline)
      throw new Error(`check run ${checkRunId} not completed within 180 s`);
    if (gh.checkRuns.get(checkRunId)?.status === "completed") return performance.now();
    await new Promise((r) => setTimeout(r, 10));
  }
};

interface Sample {
  kind: string;
  deliveryToCheckS: number;
  suiteS: number;
  suiteProcessS: number;
  clusterStartS: number;
  archiveS: number;
  publishS: number;
}
const samples: Sample[] = [];
let updated = Date.parse("2030-01-01T00:00:00Z");
try {
  for (let i = 0; i <= RUNS; i++) {
    const sha = await origin.commit({
      ".mlxbench.yml": simConfigYaml(await simPorts()),
      "n.txt": String(i),
    });
    const kind = i === 0 ? "push" : "pull_request";
    const p = i === 0 ? loadExample("push") : loadExample("pull_request", "opened");
    setPath(p, "repository.clone_url", origin.dir);
    setPath(p, "repository.default_branch", "main");
    setPath(p, "installation", { id: INSTALLATION_ID });
    if (i === 0) {
      setPath(p, "ref", "refs/heads/main");
      setPath(p, "after", sha);
      setPath(p, "deleted", false);
    } else {
      updated += 60_000;
      setPath(p, "action", "synchronize");
      setPath(p, "pull_request.updated_at", new Date(updated).toISOString());
      setPath(p, "pull_request.head.sha", sha);
      setPath(p, "pull_request.head.repo.full_name", REPO);
      setPath(p, "pull_request.draft", false);
    }
    const t0 = performance.now();
    const res = await harness.deliver(i === 0 ? "push" : "pull_request", p);
    const body = (await res.json()) as {
      result?: string;
      reason?: string;
      jobId?: string;
      checkRunId?: number;
    };
    if (body.result !== "queued" || body.checkRunId === undefined)
      throw new Error(`delivery not queued: ${JSON.stringify(body)}`);
    const t1 = await waitCompleted(body.checkRunId ?? 0);
    const job = await harness.queue.getJob(body.jobId ?? "");
    let outcome = job?.returnvalue as RunJobOutcome | undefined;
    for (let k = 0; !outcome && k < 500; k++) {
      await new Promise((r) => setTimeout(r, 10));
      outcome = (await harness.queue.getJob(body.jobId ?? ""))?.returnvalue as
        RunJobOutcome | undefined;
    }
    const s: Sample = {
      kind,
      deliveryToCheckS: (t1 - t0) / 1000,
      suiteS: (outcome?.timings.suiteOwnMs ?? NaN) / 1000,
      suiteProcessS: (outcome?.timings.suiteMs ?? NaN) / 1000,
      clusterStartS: (outcome?.timings.clusterStartMs ?? NaN) / 1000,
      archiveS: (outcome?.timings.archiveMs ?? NaN) / 1000,
      publishS: (outcome?.timings.publishMs ?? NaN) / 1000,
    };
    samples.push(s);
    console.log(
      `${kind.padEnd(12)} ${outcome?.conclusion ?? "?"}: delivery→completed ${s.deliveryToCheckS.toFixed(2)} s, suite ${s.suiteS.toFixed(2)} s ` +
        `(child process ${s.suiteProcessS.toFixed(2)} s), cluster start ${s.clusterStartS.toFixed(2)} s, archive ${s.archiveS.toFixed(2)} s, publish ${s.publishS.toFixed(2)} s, overhead ${(s.deliveryToCheckS - s.suiteS).toFixed(2)} s`,
    );
  }
} finally {
  await worker.close();
  await harness.close();
  redis.disconnect();
  await gh.close();
  await s3.close();
  await rm(tmp, { recursive: true, force: true });
}

const prs = samples.filter((s) => s.kind === "pull_request");
const overhead = median(prs.map((s) => s.deliveryToCheckS - s.suiteS));
const suite = median(prs.map((s) => s.suiteS));
const clusterStart = median(prs.map((s) => s.clusterStartS));
const childStart = median(prs.map((s) => s.suiteProcessS - s.suiteS));
const archiveS = median(prs.map((s) => s.archiveS));
const publishS = median(prs.map((s) => s.publishS));
console.log(`\nmedians over ${prs.length} PR runs (the push run makes the baseline):`);
console.log(`  suite (reference)        ${suite.toFixed(2)} s`);
console.log(
  `  pipeline overhead        ${overhead.toFixed(2)} s  (${((overhead / suite) * 100).toFixed(0)} % of the suite)`,
);
console.log(
  `    of which cluster start ${clusterStart.toFixed(2)} s, suite process start/stop ${childStart.toFixed(2)} s,`,
);
console.log(
  `    archive upload ${archiveS.toFixed(2)} s, publishing ${publishS.toFixed(2)} s (the PR comment included)`,
);
console.log(`  aim: overhead ≤ 5 s — ${overhead <= 5 ? "met" : "NOT met"}`);
console.log(
  `RESULT overhead_s=${overhead.toFixed(2)} suite_s=${suite.toFixed(2)} cluster_start_s=${clusterStart.toFixed(2)} overhead_ratio=${(overhead / suite).toFixed(3)}`,
);
process.exit(0);
