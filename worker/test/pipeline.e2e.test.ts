// The issue's "Done means": a signed pull_request delivery to the service, real Redis, the worker,
// a fixture repository whose .mlxbench.yml starts the reference cluster, s3rver, the GitHub double.
import { spawn, type ChildProcess } from "node:child_process";
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
  REPO,
  type Harness,
} from "../../service/src/testing/index.js";
import { createS3ArchiveStore, listRuns, loadRun, type ArchiveStore } from "@mlxbench/archive";
import { S3RVER_CREDENTIALS, startTestS3, type TestS3 } from "@mlxbench/archive/testing";
import { createFixtureRepo, type FixtureRepo } from "../src/checkout/test-support.js";
import { simConfigYaml, simPorts } from "../src/pipeline/test-support.js";
import {
  createPipelineDeps,
  loadWorkerConfig,
  startBenchmarkWorker,
  workerRedisOptions,
  type BenchmarkWorker,
} from "../src/queue/index.js";
import { isAlive, recordedGroups, waitFor } from "./e2e-helpers.js";

const RUN_TIMEOUT = 90_000;
const WORKER_MAIN = fileURLToPath(new URL("../src/main.ts", import.meta.url));
const TSX = import.meta.resolve("tsx");

let tmp: string;
let gh: GitHubDouble;
let harness: Harness;
let s3: TestS3;
let origin: FixtureRepo;
let env: Record<string, string>;
let redis: Redis;
let worker: BenchmarkWorker | undefined;
let store: ArchiveStore;
let mainSha: string;
let prUpdated = Date.parse("2030-01-01T00:00:00Z");
const PR = 2;
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
    LOCK_DURATION_MS: "3000",
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

interface Delivered {
  jobId: string;
  checkRunId: number;
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

async function pushMain(sha: string): Promise<Delivered> {
  const p = loadExample("push");
  setPath(p, "ref", "refs/heads/main");
  setPath(p, "after", sha);
  setPath(p, "deleted", false);
  setPath(p, "repository.default_branch", "main");
  setPath(p, "repository.clone_url", origin.dir);
  setPath(p, "installation", { id: INSTALLATION_ID });
  return deliver("push", p);
}

async function pushPr(action: "opened" | "synchronize", sha: string): Promise<Delivered> {
  const p = loadExample("pull_request", "opened");
  prUpdated += 60_000;
  setPath(p, "action", action);
  setPath(p, "number", PR);
  setPath(p, "pull_request.number", PR);
  setPath(p, "pull_request.draft", false);
  setPath(p, "pull_request.updated_at", new Date(prUpdated).toISOString());
  setPath(p, "pull_request.head.sha", sha);
  setPath(p, "pull_request.head.ref", "feature");
  setPath(p, "pull_request.head.repo.full_name", REPO);
  setPath(p, "pull_request.base.sha", mainSha);
  setPath(p, "pull_request.base.ref", "main");
  setPath(p, "repository.default_branch", "main");
  setPath(p, "repository.clone_url", origin.dir);
  setPath(p, "installation", { id: INSTALLATION_ID });
  return deliver("pull_request", p);
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
      const job = await harness.queue.getJob(jobId);
      const state = job ? await job.getState() : "unknown";
      return (state === "completed" || state === "failed") && job;
    },
    RUN_TIMEOUT,
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

async function commitWith(yaml: string, message: string): Promise<string> {
  return origin.commit({ ".mlxbench.yml": yaml, "CHANGES.md": `${message}\n` }, message);
}

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "worker-e2e-"));
  gh = await createGitHubDouble();
  harness = await startHarness({ gh });
  s3 = await startTestS3();
  store = createS3ArchiveStore({ client: s3.client, bucket: s3.bucket });
  redis = new Redis("redis://127.0.0.1:6379", { maxRetriesPerRequest: 1 });
  origin = await createFixtureRepo(join(tmp, "origin"));
  env = workerEnv();
  const ports = await simPorts();
  mainSha = await commitWith(simConfigYaml(ports), "main");
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
  let baselineRunId = "";
  const ports = { http: 0, grpc: 0 };

  it(
    "runs a push to the default branch as the baseline and archives it",
    async () => {
      const d = await pushMain(mainSha);
      const run = await completed(d.checkRunId);
      expect(statusHistory(run)).toEqual(["queued", "in_progress", "completed"]);
      expect(run.conclusion).toBe("neutral");
      const [meta] = await listRuns(store, REPO);
      expect(meta?.runId).toBe(d.jobId);
      baselineRunId = d.jobId;
      expect(meta?.branch).toBe("main");
      expect(
        (await store.get(`reports/${REPO}/baselines/${mainSha}.json`))?.body.toString(),
      ).toContain(d.jobId);
      const loaded = await loadRun(store, REPO, d.jobId);
      expect(loaded?.runResult?.source.commit).toBe(mainSha);
      const png = loaded?.meta.files.find((f) => f.endsWith(".png"));
      expect(png).toBeDefined();
      expect((await store.get(`reports/${REPO}/runs/${d.jobId}/${png ?? ""}`))?.contentType).toBe(
        "image/png",
      );
      expect(
        (await store.get(`reports/${REPO}/runs/${d.jobId}/files/logs/cluster-distributed.log`))
          ?.contentType,
      ).toBe("text/plain; charset=utf-8");
      expect(await recordedGroups(env.CLUSTER_STATE_FILE ?? "")).toEqual([]);
      expect(gh.violations).toEqual([]);
    },
    RUN_TIMEOUT,
  );

  it(
    "passes a PR with the same code, and creates the one PR comment",
    async () => {
      Object.assign(ports, await simPorts());
      const sha = await commitWith(simConfigYaml(ports), "same code");
      const d = await pushPr("opened", sha);
      const run = await completed(d.checkRunId);
      expect(statusHistory(run)).toEqual(["queued", "in_progress", "completed"]);
      expect(run.conclusion, JSON.stringify(run.output)).toBe("success");
      expect(String(run.output?.summary)).toContain(`compared with run \``);
      expect(run.actions.map((a) => (a as { identifier: string }).identifier)).toEqual([
        "rerun-full",
        "rerun-quick",
      ]);
      await jobDone(d.jobId);
      const comments = [...gh.comments.values()].filter((c) => c.issue_number === PR);
      expect(comments).toHaveLength(1);
      expect(comments[0]?.body).toContain("No regression");
      expect((await loadRun(store, REPO, d.jobId))?.meta.conclusion).toBe("success");
      expect(baselineRunId).not.toBe("");
    },
    RUN_TIMEOUT,
  );

  it(
    "fails a PR whose commit makes the cluster 1.3× slower, naming the regressed metrics, and updates the comment",
    async () => {
      const sha = await commitWith(
        simConfigYaml({ ...(await simPorts()), slowdown: 1.3 }),
        "slower",
      );
      const d = await pushPr("synchronize", sha);
      const run = await completed(d.checkRunId);
      expect(run.conclusion, JSON.stringify(run.output)).toBe("failure");
      expect(String(run.output?.title), String(run.output?.summary)).toMatch(/regressed/);
      expect(String(run.output?.summary)).toMatch(
        /regressed: .*inference\.(e2e_ms|ttft_ms|tpot_ms)/,
      );
      await jobDone(d.jobId);
      const comments = [...gh.comments.values()].filter((c) => c.issue_number === PR);
      expect(comments).toHaveLength(1);
      expect(comments[0]?.body).toContain("regressed");
      expect(gh.requestsFor("issues/update-comment").length).toBeGreaterThanOrEqual(1);
    },
    RUN_TIMEOUT,
  );

  it(
    "fails with the cluster's log when the cluster does not start",
    async () => {
      const sha = await commitWith(
        simConfigYaml({
          ...(await simPorts()),
          start: "echo 'error: model shard 2 missing' >&2; exit 4",
        }),
        "broken start",
      );
      const d = await pushPr("synchronize", sha);
      const run = await completed(d.checkRunId);
      expect(run.conclusion).toBe("failure");
      expect(String(run.output?.summary)).toContain("start command exited with 4");
      expect(String(run.output?.summary)).toContain("error: model shard 2 missing");
      const archived = await loadRun(store, REPO, d.jobId);
      expect(archived?.meta.files).toContain("files/logs/cluster-distributed.log");
    },
    RUN_TIMEOUT,
  );

  it(
    "cancels a run superseded by a newer push and stops its cluster",
    async () => {
      const older = await pushPr(
        "synchronize",
        await commitWith(simConfigYaml(await simPorts()), "older push"),
      );
      const groups = await waitFor("the older run's cluster", async () => {
        const g = await recordedGroups(env.CLUSTER_STATE_FILE ?? "");
        return g.length > 0 && check(older.checkRunId).status === "in_progress" && g;
      });
      const newer = await pushPr(
        "synchronize",
        await commitWith(simConfigYaml(await simPorts()), "newer push"),
      );
      const job = await jobDone(older.jobId);
      expect((job.returnvalue as { conclusion: string }).conclusion).toBe("cancelled");
      expect(check(older.checkRunId).conclusion).toBe("cancelled");
      for (const pgid of groups) expect(isAlive(pgid)).toBe(false);
      expect((await loadRun(store, REPO, older.jobId))?.meta.conclusion).toBe("cancelled");
      await completed(newer.checkRunId);
    },
    RUN_TIMEOUT * 2,
  );

  it(
    "archives the run while GitHub is down, and publishes it once GitHub is back",
    async () => {
      const d = await pushPr(
        "synchronize",
        await commitWith(simConfigYaml(await simPorts()), "github outage"),
      );
      await waitFor("the run in progress", () => check(d.checkRunId).status === "in_progress");
      gh.setDown(true);
      try {
        await waitFor("the run in the archive", () => loadRun(store, REPO, d.jobId), RUN_TIMEOUT);
        expect(check(d.checkRunId).status).toBe("in_progress");
      } finally {
        gh.setDown(false);
      }
      const run = await completed(d.checkRunId);
      expect(["success", "neutral", "failure"]).toContain(run.conclusion);
      expect(run.conclusion).toBe((await loadRun(store, REPO, d.jobId))?.meta.conclusion);
    },
    RUN_TIMEOUT * 2,
  );

  let spooledJobId = "";
  it(
    "keeps the run locally while S3 is down",
    async () => {
      await s3.stop();
      const d = await pushPr(
        "synchronize",
        await commitWith(simConfigYaml(await simPorts()), "s3 outage"),
      );
      const run = await completed(d.checkRunId);
      expect(run.conclusion).toBe("neutral");
      expect(String(run.output?.summary)).toContain("archive was unreachable");
      expect(await readdir(env.SPOOL_DIR ?? "")).toEqual([d.jobId]);
      spooledJobId = d.jobId;
    },
    RUN_TIMEOUT,
  );

  it(
    "recovers from a worker killed mid-run: leftovers ended, job retried, check concluded, spool uploaded",
    async () => {
      // S3 is back (same port, same data); the spool waits for the next worker start.
      s3 = await startTestS3(s3.bucket, { port: s3.port, directory: s3.directory });
      store = createS3ArchiveStore({ client: s3.client, bucket: s3.bucket });
      await worker?.close();
      worker = undefined;
      const child: ChildProcess = spawn(process.execPath, ["--import", TSX, WORKER_MAIN], {
        env: { ...process.env, ...env },
        stdio: "ignore",
      });
      try {
        const d = await pushPr(
          "synchronize",
          await commitWith(simConfigYaml(await simPorts()), "killed worker"),
        );
        const groups = await waitFor("the cluster of the doomed worker", async () => {
          const g = await recordedGroups(env.CLUSTER_STATE_FILE ?? "");
          return g.length > 0 && check(d.checkRunId).status === "in_progress" && g;
        });
        child.kill("SIGKILL");
        await new Promise((r) => child.once("exit", r));
        for (const pgid of groups) expect(isAlive(pgid)).toBe(true);

        worker = await startWorker();
        for (const pgid of groups) expect(isAlive(pgid)).toBe(false);
        expect((await listRuns(store, REPO)).some((m) => m.runId === spooledJobId)).toBe(true);
        expect(await readdir(env.SPOOL_DIR ?? "")).toEqual([]);

        const run = await completed(d.checkRunId, RUN_TIMEOUT * 2);
        expect(["success", "neutral", "failure"]).toContain(run.conclusion);
        const job = await jobDone(d.jobId);
        expect(job.attemptsStarted).toBeGreaterThanOrEqual(2);
        expect(await recordedGroups(env.CLUSTER_STATE_FILE ?? "")).toEqual([]);
      } finally {
        if (child.exitCode === null) child.kill("SIGKILL");
      }
      expect(gh.violations).toEqual([]);
    },
    RUN_TIMEOUT * 3,
  );
  it(
    "shuts down gracefully on SIGTERM: cluster stopped, job requeued, then finished by the next worker",
    async () => {
      await worker?.close();
      worker = undefined;
      const child: ChildProcess = spawn(process.execPath, ["--import", TSX, WORKER_MAIN], {
        env: { ...process.env, ...env },
        stdio: "ignore",
      });
      try {
        const d = await pushPr(
          "synchronize",
          await commitWith(simConfigYaml(await simPorts()), "graceful stop"),
        );
        const groups = await waitFor("the cluster of the stopping worker", async () => {
          const g = await recordedGroups(env.CLUSTER_STATE_FILE ?? "");
          return g.length > 0 && check(d.checkRunId).status === "in_progress" && g;
        });
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
        expect(["success", "neutral", "failure"]).toContain(run.conclusion);
        expect((await jobDone(d.jobId)).attemptsStarted).toBeGreaterThanOrEqual(2);
      } finally {
        if (child.exitCode === null) child.kill("SIGKILL");
      }
    },
    RUN_TIMEOUT * 2,
  );
});
