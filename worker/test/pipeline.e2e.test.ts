// The pipeline's mechanics end to end: a signed delivery to the service, real Redis, the worker,
// a fixture repository whose .mlxbench.yml starts the reference cluster, s3rver, the GitHub double.
// Each test has a repository of its own (its own archive prefix, check runs, comment, baseline).
// No test here decides a timing verdict: pipeline-verdict.test.ts does, on recorded samples.
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGitHubDouble, type DoubleCheckRun, type GitHubDouble } from "@mlxbench/sim/github";
import {
  loadExample,
  setPath,
  startHarness,
  INSTALLATION_ID,
  type Harness,
} from "@mlxbench/service/testing";
import { createS3ArchiveStore, listRuns, loadRun, type ArchiveStore } from "@mlxbench/archive";
import { S3RVER_CREDENTIALS, startTestS3, type TestS3 } from "@mlxbench/archive/testing";
import { createFixtureRepo, type FixtureRepo } from "../src/checkout/test-support.js";
import { mechanicsConfigYaml, simConfigYaml, simPorts } from "../src/pipeline/test-support.js";
import {
  createPipelineDeps,
  loadWorkerConfig,
  startBenchmarkWorker,
  workerRedisOptions,
  type BenchmarkWorker,
} from "../src/queue/index.js";
import { isAlive, recordedGroups, waitFor } from "./e2e-helpers.js";

/**
 * One mechanics run takes about 17 s on a quiet machine; at load average 35 on 2 cores a worker
 * process started by a test took over 60 s to start its first cluster.
 */
const RUN_TIMEOUT = 150_000;
const WORKER_MAIN = fileURLToPath(new URL("../src/main.ts", import.meta.url));
const TSX = import.meta.resolve("tsx");

let tmp: string;
let gh: GitHubDouble;
let harness: Harness;
let s3: TestS3;
let env: Record<string, string>;
let redis: Redis;
let worker: BenchmarkWorker | undefined;
let store: ArchiveStore;
const logger = pino({ level: "silent" });

function workerEnv(): Record<string, string> {
  return {
    REDIS_URL: "redis://127.0.0.1:6379",
    QUEUE_NAME: harness.config.QUEUE_NAME,
    KEY_PREFIX: harness.config.KEY_PREFIX,
    ARCHIVE_BUCKET: s3.bucket,
    S3_ENDPOINT: `http://127.0.0.1:${s3.port}`,
    AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
    SPOOL_DIR: join(tmp, "spool"),
    WORK_DIR: join(tmp, "work"),
    CLONE_CACHE_DIR: join(tmp, "clones"),
    CLUSTER_STATE_FILE: join(tmp, "cluster-groups.json"),
    GITHUB_APP_ID: String(gh.appId),
    GITHUB_PRIVATE_KEY: gh.privateKey,
    GITHUB_API_URL: gh.url,
    GITHUB_RETRIES: "2",
    GITHUB_RETRY_BASE_S: "0.05",
    PUBLIC_URL: "https://mlxbench.example.com",
    // Short enough that a killed worker's job is taken back within seconds; long enough that a
    // renewal late by a loaded machine's event loop (3 s was) does not make a live job stalled.
    LOCK_DURATION_MS: "10000",
    STALLED_INTERVAL_MS: "1000",
    MAX_ATTEMPTS: "3",
    BACKOFF_MS: "500",
    CANCEL_POLL_MS: "200",
    LOG_LEVEL: "silent",
  };
}

async function startWorker(): Promise<BenchmarkWorker> {
  const config = loadWorkerConfig(env);
  return startBenchmarkWorker({
    queueName: config.QUEUE_NAME,
    connection: workerRedisOptions(config.REDIS_URL),
    redis,
    keyPrefix: config.KEY_PREFIX,
    deps: createPipelineDeps(config, logger, {
      publishRetry: { attempts: 8, baseDelayMs: 300 },
      uploadRetry: { attempts: 2, baseDelayMs: 50 },
    }),
    logger,
    lockDurationMs: config.LOCK_DURATION_MS,
    stalledIntervalMs: config.STALLED_INTERVAL_MS,
    maxAttempts: config.MAX_ATTEMPTS,
    backoffMs: config.BACKOFF_MS,
    cancelPollMs: config.CANCEL_POLL_MS,
  });
}

/** The in-process worker, replaced by a fresh one (a test that ran its own worker process). */
async function restartWorker(): Promise<void> {
  await worker?.close();
  worker = await startWorker();
}

interface Delivered {
  jobId: string;
  checkRunId: number;
}

/** Closes this process's worker and starts the worker's main as a child process in its place. */
async function workerInChildProcess(): Promise<ChildProcess> {
  await worker?.close();
  worker = undefined;
  return spawn(process.execPath, ["--import", TSX, WORKER_MAIN], {
    env: { ...process.env, ...env },
    stdio: "ignore",
  });
}

async function deliver(event: string, payload: Record<string, unknown>): Promise<Delivered> {
  const res = await harness.deliver(event, payload);
  const body = (await res.json()) as {
    result?: string;
    jobId?: string;
    checkRunId?: number;
    reason?: string;
  };
  expect(body.result, JSON.stringify(body)).toBe("queued");
  return { jobId: body.jobId ?? "", checkRunId: body.checkRunId ?? 0 };
}

let nextPr = 1;
/**
 * A repository of one test: installed in the GitHub double, its own origin with a main commit
 * whose .mlxbench.yml starts the reference cluster, its own PR number and archive prefix.
 */
interface TestRepo {
  repo: string;
  origin: FixtureRepo;
  mainSha: string;
  pr: number;
  /** A commit on top of main whose cluster is configured by `yaml` (default: a working one). */
  commit(message: string, yaml?: string): Promise<string>;
  pushMain(sha?: string): Promise<Delivered>;
  pushPr(action: "opened" | "synchronize", sha: string): Promise<Delivered>;
  comments(): { body: string }[];
}

async function createTestRepo(name: string): Promise<TestRepo> {
  const repo = `octo-e2e/${name}-${randomUUID().slice(0, 8)}`;
  gh.addInstallation(INSTALLATION_ID, [repo]);
  const origin = await createFixtureRepo(join(tmp, repo));
  const commit = async (message: string, yaml?: string): Promise<string> =>
    origin.commit(
      {
        ".mlxbench.yml": yaml ?? mechanicsConfigYaml(await simPorts()),
        "CHANGES.md": `${message}\n`,
      },
      message,
    );
  const mainSha = await commit("main");
  const pr = nextPr++;
  let prUpdated = Date.parse("2030-01-01T00:00:00Z");
  const withRepo = (p: Record<string, unknown>): void => {
    setPath(p, "repository.full_name", repo);
    setPath(p, "repository.name", repo.split("/")[1]);
    setPath(p, "repository.default_branch", "main");
    setPath(p, "repository.clone_url", origin.dir);
    setPath(p, "installation", { id: INSTALLATION_ID });
  };
  return {
    repo,
    origin,
    mainSha,
    pr,
    commit,
    pushMain(sha = mainSha) {
      const p = loadExample("push");
      setPath(p, "ref", "refs/heads/main");
      setPath(p, "after", sha);
      setPath(p, "deleted", false);
      withRepo(p);
      return deliver("push", p);
    },
    pushPr(action, sha) {
      const p = loadExample("pull_request", "opened");
      prUpdated += 60_000;
      setPath(p, "action", action);
      setPath(p, "number", pr);
      setPath(p, "pull_request.number", pr);
      setPath(p, "pull_request.draft", false);
      setPath(p, "pull_request.updated_at", new Date(prUpdated).toISOString());
      setPath(p, "pull_request.head.sha", sha);
      setPath(p, "pull_request.head.ref", "feature");
      setPath(p, "pull_request.head.repo.full_name", repo);
      setPath(p, "pull_request.base.repo.full_name", repo);
      setPath(p, "pull_request.base.sha", mainSha);
      setPath(p, "pull_request.base.ref", "main");
      withRepo(p);
      return deliver("pull_request", p);
    },
    comments: () =>
      [...gh.comments.values()].filter(
        (c) => c.repo.toLowerCase() === repo.toLowerCase() && c.issue_number === pr,
      ),
  };
}

function check(id: number): DoubleCheckRun {
  const run = gh.checkRuns.get(id);
  if (!run) throw new Error(`no check run ${id}`);
  return run;
}

const completed = (id: number, timeoutMs = RUN_TIMEOUT) =>
  waitFor(
    `check run ${id} completed`,
    () => check(id).status === "completed" && check(id),
    timeoutMs,
  );
const jobDone = (jobId: string) =>
  waitFor(
    `job ${jobId} finished`,
    async () => {
      const state = await harness.queue.getJobState(jobId);
      // Read once it finished: a job read before (then its state asked) had no return value yet.
      return (state === "completed" || state === "failed") && harness.queue.getJob(jobId);
    },
    RUN_TIMEOUT,
  );

/** The process groups of the cluster a check run's job started, once that check is in progress. */
const clusterGroups = (what: string, checkRunId: number, timeoutMs?: number) =>
  waitFor(
    what,
    async () => {
      const g = await recordedGroups(env.CLUSTER_STATE_FILE ?? "");
      return g.length > 0 && check(checkRunId).status === "in_progress" && g;
    },
    timeoutMs,
  );

/** The statuses a check run went through: created queued, then each PATCH's status. */
function statusHistory(run: DoubleCheckRun): string[] {
  const created = gh
    .requestsFor("checks/create")
    .find((r) => (r.body as { external_id?: string }).external_id === run.external_id);
  const statuses = [
    String((created?.body as { status?: string }).status),
    ...run.updates.map((u) => u.status).filter((s): s is string => typeof s === "string"),
  ];
  return statuses.filter((s, i) => s !== statuses[i - 1]);
}

/** Any conclusion a run that measured may reach: which one is pipeline-verdict.test.ts's question. */
const MEASURED = ["success", "neutral", "failure"];

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "worker-e2e-"));
  gh = await createGitHubDouble();
  harness = await startHarness({ gh });
  s3 = await startTestS3();
  store = createS3ArchiveStore({ client: s3.client, bucket: s3.bucket });
  redis = new Redis("redis://127.0.0.1:6379", { maxRetriesPerRequest: 1 });
  env = workerEnv();
  worker = await startWorker();
}, 60_000);

afterAll(async () => {
  await worker?.close();
  await harness.close();
  redis.disconnect();
  await gh.close();
  await s3.close();
  await rm(tmp, { recursive: true, force: true });
}, 60_000);

describe("the worker end to end", () => {
  it(
    "runs a push to the default branch through the check's life and archives it as the baseline",
    async () => {
      const t = await createTestRepo("push");
      const d = await t.pushMain();
      const run = await completed(d.checkRunId);
      expect(statusHistory(run)).toEqual(["queued", "in_progress", "completed"]);
      // The repository's first run: nothing to compare with, whatever it measured.
      expect(run.conclusion).toBe("neutral");
      expect(String(run.output?.summary)).toContain("no comparable baseline");
      const runs = await listRuns(store, t.repo);
      expect(runs.map((m) => m.runId)).toEqual([d.jobId]);
      expect(runs[0]?.branch).toBe("main");
      expect(
        (await store.get(`reports/${t.repo}/baselines/${t.mainSha}.json`))?.body.toString(),
      ).toContain(d.jobId);
      const loaded = await loadRun(store, t.repo, d.jobId);
      expect(loaded?.runResult?.source.commit).toBe(t.mainSha);
      // The archive names the run by the job; the suite's result has an id of its own.
      expect(loaded?.runResult?.runId).toBeDefined();
      expect(loaded?.runResult?.runId).not.toBe(d.jobId);
      const png = loaded?.meta.files.find((f) => f.endsWith(".png"));
      expect(png).toBeDefined();
      expect((await store.get(`reports/${t.repo}/runs/${d.jobId}/${png ?? ""}`))?.contentType).toBe(
        "image/png",
      );
      expect(
        (await store.get(`reports/${t.repo}/runs/${d.jobId}/files/logs/cluster-distributed.log`))
          ?.contentType,
      ).toBe("text/plain; charset=utf-8");
      expect(await recordedGroups(env.CLUSTER_STATE_FILE ?? "")).toEqual([]);
      expect(gh.violations).toEqual([]);
    },
    RUN_TIMEOUT,
  );

  it(
    "compares a PR with its own baseline, creates the one PR comment, then updates it",
    async () => {
      const t = await createTestRepo("comment");
      const base = await t.pushMain();
      const baseRun = await completed(base.checkRunId);
      await jobDone(base.jobId);
      // The PR is judged against this run: one that did not measure (its cluster did not start)
      // leaves the PR "no comparable baseline (no archived runs)".
      expect(
        (await loadRun(store, t.repo, base.jobId))?.runResult?.source.commit,
        String(baseRun.output?.summary),
      ).toBe(t.mainSha);

      const first = await t.pushPr("opened", await t.commit("first push"));
      const run = await completed(first.checkRunId);
      expect(statusHistory(run)).toEqual(["queued", "in_progress", "completed"]);
      expect(MEASURED).toContain(run.conclusion);
      // The baseline found is the run of the PR's merge base, this test's own push.
      expect(String(run.output?.summary)).toContain(`against baseline [\`${base.jobId}\``);
      expect(String(run.output?.summary)).toContain(`(\`${t.mainSha.slice(0, 12)}\`)`);
      expect(run.actions.map((a) => (a as { identifier: string }).identifier)).toEqual([
        "rerun-full",
        "rerun-quick",
      ]);
      await jobDone(first.jobId);
      expect(t.comments()).toHaveLength(1);
      expect(t.comments()[0]?.body).toContain(first.jobId);
      expect((await loadRun(store, t.repo, first.jobId))?.meta.conclusion).toBe(run.conclusion);

      const updates = gh.requestsFor("issues/update-comment").length;
      const second = await t.pushPr("synchronize", await t.commit("second push"));
      const rerun = await completed(second.checkRunId);
      await jobDone(second.jobId);
      expect(t.comments()).toHaveLength(1);
      expect(t.comments()[0]?.body).toContain(second.jobId);
      expect(t.comments()[0]?.body).not.toContain(first.jobId);
      expect(gh.requestsFor("issues/update-comment").length).toBeGreaterThan(updates);
      expect((await loadRun(store, t.repo, second.jobId))?.meta.conclusion).toBe(rerun.conclusion);
      expect(gh.violations).toEqual([]);
    },
    RUN_TIMEOUT * 3,
  );

  it(
    "fails with the cluster's log when the cluster does not start",
    async () => {
      const t = await createTestRepo("broken-start");
      const sha = await t.commit(
        "broken start",
        simConfigYaml({
          ...(await simPorts()),
          start: "echo 'error: model shard 2 missing' >&2; exit 4",
        }),
      );
      const d = await t.pushPr("opened", sha);
      const run = await completed(d.checkRunId);
      expect(run.conclusion).toBe("failure");
      expect(String(run.output?.summary)).toContain("start command exited with 4");
      expect(String(run.output?.summary)).toContain("error: model shard 2 missing");
      const archived = await loadRun(store, t.repo, d.jobId);
      expect(archived?.meta.files).toContain("files/logs/cluster-distributed.log");
      expect(archived?.meta.conclusion).toBe("failure");
    },
    RUN_TIMEOUT,
  );

  it(
    "cancels a run superseded by a newer push and stops its cluster",
    async () => {
      const t = await createTestRepo("cancel");
      const older = await t.pushPr("opened", await t.commit("older push"));
      const groups = await clusterGroups("the older run's cluster", older.checkRunId);
      const newer = await t.pushPr("synchronize", await t.commit("newer push"));
      const job = await jobDone(older.jobId);
      expect(
        (job.returnvalue as { conclusion: string } | null)?.conclusion,
        `job ${job.finishedOn ? "finished" : "not finished"}: ${job.failedReason || "no failure"}`,
      ).toBe("cancelled");
      expect(check(older.checkRunId).conclusion).toBe("cancelled");
      for (const pgid of groups) expect(isAlive(pgid)).toBe(false);
      expect((await loadRun(store, t.repo, older.jobId))?.meta.conclusion).toBe("cancelled");
      const run = await completed(newer.checkRunId);
      expect(MEASURED).toContain(run.conclusion);
      // The cancelled run never overwrote the comment of the run that superseded it.
      await jobDone(newer.jobId);
      expect(t.comments().map((c) => c.body.includes(newer.jobId))).toEqual([true]);
    },
    RUN_TIMEOUT * 2,
  );

  it(
    "archives the run while GitHub is down, and publishes it once GitHub is back",
    async () => {
      const t = await createTestRepo("github-outage");
      const d = await t.pushPr("opened", await t.commit("github outage"));
      await waitFor("the run in progress", () => check(d.checkRunId).status === "in_progress");
      gh.setDown(true);
      try {
        await waitFor("the run in the archive", () => loadRun(store, t.repo, d.jobId), RUN_TIMEOUT);
        expect(check(d.checkRunId).status).toBe("in_progress");
      } finally {
        gh.setDown(false);
      }
      const run = await completed(d.checkRunId);
      expect(MEASURED).toContain(run.conclusion);
      expect(run.conclusion).toBe((await loadRun(store, t.repo, d.jobId))?.meta.conclusion);
    },
    RUN_TIMEOUT * 2,
  );

  it(
    "keeps the run locally while S3 is down, and uploads it when the next worker starts",
    async () => {
      const t = await createTestRepo("s3-outage");
      await s3.stop();
      let d: Delivered;
      try {
        d = await t.pushPr("opened", await t.commit("s3 outage"));
        const run = await completed(d.checkRunId);
        expect(run.conclusion).toBe("neutral");
        expect(String(run.output?.summary)).toContain("archive was unreachable");
        expect(await readdir(env.SPOOL_DIR ?? "")).toEqual([d.jobId]);
      } finally {
        // S3 is back (same port, same data) for every test after this one.
        s3 = await startTestS3(s3.bucket, { port: s3.port, directory: s3.directory });
        store = createS3ArchiveStore({ client: s3.client, bucket: s3.bucket });
      }
      await restartWorker();
      expect((await listRuns(store, t.repo)).map((m) => m.runId)).toEqual([d.jobId]);
      expect(await readdir(env.SPOOL_DIR ?? "")).toEqual([]);
    },
    RUN_TIMEOUT,
  );

  it(
    "recovers from a worker killed mid-run: leftovers ended, job retried, check concluded",
    async () => {
      const t = await createTestRepo("killed-worker");
      const child = await workerInChildProcess();
      try {
        const d = await t.pushPr("opened", await t.commit("killed worker"));
        const groups = await clusterGroups(
          "the cluster of the doomed worker",
          d.checkRunId,
          RUN_TIMEOUT,
        );
        child.kill("SIGKILL");
        await new Promise((r) => child.once("exit", r));
        for (const pgid of groups) expect(isAlive(pgid)).toBe(true);

        worker = await startWorker();
        for (const pgid of groups) expect(isAlive(pgid)).toBe(false);

        const run = await completed(d.checkRunId, RUN_TIMEOUT * 2);
        expect(MEASURED).toContain(run.conclusion);
        const job = await jobDone(d.jobId);
        expect(job.attemptsStarted).toBeGreaterThanOrEqual(2);
        expect(await recordedGroups(env.CLUSTER_STATE_FILE ?? "")).toEqual([]);
      } finally {
        if (child.exitCode === null) child.kill("SIGKILL");
        worker ??= await startWorker();
      }
      expect(gh.violations).toEqual([]);
    },
    RUN_TIMEOUT * 3,
  );

  it(
    "shuts down gracefully on SIGTERM: cluster stopped, job requeued, then finished by the next worker",
    async () => {
      const t = await createTestRepo("graceful-stop");
      const child = await workerInChildProcess();
      try {
        const d = await t.pushPr("opened", await t.commit("graceful stop"));
        const groups = await clusterGroups(
          "the cluster of the stopping worker",
          d.checkRunId,
          RUN_TIMEOUT,
        );
        child.kill("SIGTERM");
        const code = await new Promise<number | null>((r) => child.once("exit", (c) => r(c)));
        expect(code).toBe(0);
        for (const pgid of groups) expect(isAlive(pgid)).toBe(false);
        expect(await recordedGroups(env.CLUSTER_STATE_FILE ?? "")).toEqual([]);
        const state = await (await harness.queue.getJob(d.jobId))?.getState();
        expect(["delayed", "waiting", "wait"]).toContain(state);
        expect(check(d.checkRunId).status).not.toBe("completed");

        worker = await startWorker();
        const run = await completed(d.checkRunId);
        expect(MEASURED).toContain(run.conclusion);
        expect((await jobDone(d.jobId)).attemptsStarted).toBeGreaterThanOrEqual(2);
      } finally {
        if (child.exitCode === null) child.kill("SIGKILL");
        worker ??= await startWorker();
      }
    },
    RUN_TIMEOUT * 3,
  );
});
