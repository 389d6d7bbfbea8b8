import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGitHubDouble, type GitHubDouble } from "@mlxbench/sim/github";
import type { BenchmarkJob } from "@mlxbench/proto";
import { createLocalArchiveStore, loadRun, type ArchiveStore } from "@mlxbench/archive";
import { createFixtureRepo, type FixtureRepo } from "../checkout/test-support.js";
import { createDryRunPublisher } from "../github/index.js";
import {
  PermanentJobError,
  TransientJobError,
  runJob,
  systemClock,
  type PipelineDeps,
} from "./index.js";
import { mechanicsConfigYaml, publishToDouble, simPorts } from "./test-support.js";

const REPO = "octo/hello";
const logger = pino({ level: "silent" });
let tmp: string;
let origin: FixtureRepo;
let gh: GitHubDouble;
let store: ArchiveStore;
let badSha: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "run-job-test-"));
  origin = await createFixtureRepo(join(tmp, "origin"));
  badSha = await origin.commit({
    ".mlxbench.yml": "version: 1\ncluster:\n  readiness_timeout_s: -3\n",
  });
  gh = await createGitHubDouble();
  gh.addInstallation(1, [REPO]);
  store = createLocalArchiveStore(join(tmp, "archive"));
});
afterAll(async () => {
  await gh.close();
  await rm(tmp, { recursive: true, force: true });
});

function job(jobId: string, extra: Partial<BenchmarkJob> = {}): BenchmarkJob {
  return {
    schemaVersion: 1,
    jobId,
    installationId: 1,
    repository: { fullName: REPO, cloneUrl: origin.dir, defaultBranch: "main", private: false },
    commit: { sha: badSha, ref: "refs/pull/5/head" },
    trigger: "pull_request",
    pullRequest: { number: 5, fromFork: false },
    suite: { quick: true, skipValidation: false, skipCommunication: false },
    requestedBy: "octocat",
    queuedAt: new Date().toISOString(),
    ...extra,
  };
}

function deps(createPublisher: PipelineDeps["createPublisher"]): PipelineDeps {
  return {
    store,
    spoolDir: join(tmp, "spool"),
    workDir: join(tmp, "work"),
    cloneCacheDir: join(tmp, "clones"),
    clusterStateFile: join(tmp, "groups.json"),
    checkName: "mlxbench",
    logger,
    clock: systemClock,
    createPublisher,
    publishRetry: { attempts: 2, baseDelayMs: 10 },
    keepRunDirs: true,
  };
}

const github = (): PipelineDeps["createPublisher"] => publishToDouble(gh, logger);

describe("runJob", () => {
  it("fails the check on an invalid .mlxbench.yml, quoting the problem and its line", async () => {
    const outcome = await runJob(job("bad-config-1"), deps(github()));
    expect(outcome.conclusion).toBe("failure");
    expect(outcome.reason).toContain("cluster.readiness_timeout_s");
    expect(outcome.reason).toContain("(line 3)");
    const run = [...gh.checkRuns.values()].find((r) => r.external_id === "bad-config-1");
    expect(run?.conclusion).toBe("failure");
    const last = run?.updates.at(-1) as {
      output: { summary: string; annotations: { path: string; start_line: number }[] };
    };
    expect(last.output.summary).toContain("readiness_timeout_s: -3");
    expect(last.output.annotations).toEqual([
      expect.objectContaining({ path: ".mlxbench.yml", start_line: 3 }),
    ]);
    expect([...gh.comments.values()].filter((c) => c.issue_number === 5)).toHaveLength(1);
    expect((await loadRun(store, REPO, "bad-config-1"))?.meta.conclusion).toBe("failure");
    expect(gh.violations).toEqual([]);
  });

  it("keeps the run archived when GitHub refuses it for good, and says no retry can help", async () => {
    gh.failNext(100, 422);
    const err = await runJob(job("bad-config-2"), deps(github())).catch((e: unknown) => e);
    gh.failNext(0);
    expect(err).toBeInstanceOf(PermanentJobError);
    expect((await loadRun(store, REPO, "bad-config-2"))?.meta.conclusion).toBe("failure");
  });

  it("republishes an archived run on retry instead of running it again", async () => {
    const before = gh.requestsFor("checks/update").length;
    const outcome = await runJob(job("bad-config-2"), deps(github()));
    expect(outcome.archivedIn).toBe("already-archived");
    expect(gh.requestsFor("checks/update").length).toBeGreaterThan(before);
    expect(
      [...gh.checkRuns.values()].find((r) => r.external_id === "bad-config-2")?.conclusion,
    ).toBe("failure");
  });

  it("writes what it would post into the run's folder without a GitHub App, and archives it", async () => {
    const outcome = await runJob(
      job("dry-1"),
      deps((_j, runDir) => createDryRunPublisher(runDir)),
    );
    expect(outcome.conclusion).toBe("failure");
    const check = JSON.parse(
      await readFile(join(tmp, "work", "runs", "dry-1", "github", "check-run.json"), "utf8"),
    ) as { conclusion: string };
    expect(check.conclusion).toBe("failure");
    const archived = await loadRun(store, REPO, "dry-1");
    expect(archived?.meta.files).toContain("files/github/check-run.json");
    expect(archived?.meta.files).toContain("files/github/pr-comment.md");
  });

  it("runs on when the publisher's progress fails (a full disk under a dry run)", async () => {
    let progressCalls = 0;
    const outcome = await runJob(
      job("progress-fails-1"),
      deps((_j, runDir) => ({
        ...createDryRunPublisher(runDir),
        progress: () => {
          progressCalls++;
          return Promise.reject(new Error("ENOSPC: no space left on device"));
        },
      })),
    );
    expect(progressCalls).toBeGreaterThan(0);
    expect(outcome.conclusion).toBe("failure");
    expect((await loadRun(store, REPO, "progress-fails-1"))?.meta.conclusion).toBe("failure");
  });

  it("runs the job, and says so in the log, when the archive cannot be asked whether it ran before", async () => {
    const lines: string[] = [];
    const captured = pino({ level: "warn" }, { write: (line: string) => lines.push(line) });
    let failedGets = 0;
    const flaky: ArchiveStore = {
      location: store.location,
      put: (...a) => store.put(...a),
      list: (...a) => store.list(...a),
      // S3 down for the lookup of this job's archived run, back for the rest
      get: (key) =>
        failedGets++ === 0
          ? Promise.reject(new Error("connect ECONNREFUSED 127.0.0.1:4569"))
          : store.get(key),
    };
    const outcome = await runJob(job("archive-down-1"), {
      ...deps((_j, runDir) => createDryRunPublisher(runDir)),
      store: flaky,
      logger: captured,
    });
    expect(failedGets).toBeGreaterThan(0);
    expect(outcome.conclusion).toBe("failure"); // the config error: the job did run
    expect(outcome.archivedIn).not.toBe("already-archived");
    const warning = lines
      .map((l) => JSON.parse(l) as { msg: string; err?: { message: string } })
      .find((l) => l.msg.includes("archived run"));
    expect(warning?.msg).toBe("could not look for an archived run of this job; running it");
    expect(warning?.err?.message).toContain("ECONNREFUSED");
  });

  it("retries when GitHub cannot hand out a clone token for now, and fails at once when it refuses", async () => {
    const withToken = (status: number): PipelineDeps => ({
      ...deps((_j, runDir) => createDryRunPublisher(runDir)),
      gitToken: () =>
        Promise.reject(Object.assign(new Error(`token request answered ${status}`), { status })),
    });
    const later = await runJob(job("token-503-1"), withToken(503), {
      attempt: 1,
      maxAttempts: 2,
    }).catch((e: unknown) => e);
    expect(later).toBeInstanceOf(TransientJobError);
    expect((later as Error).message).toBe(
      `getting an installation token to clone ${REPO} failed: token request answered 503`,
    );
    // GitHub's answer stays attached: the queue's failed reason and the logs show what it said.
    expect((later as Error).cause).toMatchObject({ status: 503 });
    const refused = await runJob(job("token-404-1"), withToken(404), {
      attempt: 1,
      maxAttempts: 2,
    });
    expect(refused.conclusion).toBe("failure");
    expect(refused.reason).toContain(
      `getting an installation token to clone ${REPO} failed: token request answered 404`,
    );
  });

  it("ends cancelled, without touching the repository, when cancelled before it starts", async () => {
    const controller = new AbortController();
    controller.abort(new Error("Superseded by a newer push"));
    const outcome = await runJob(
      job("cancelled-1"),
      deps((_j, runDir) => createDryRunPublisher(runDir)),
      { signal: controller.signal },
    );
    expect(outcome.conclusion).toBe("cancelled");
    expect(outcome.reason).toBe("Superseded by a newer push");
    expect((await loadRun(store, REPO, "cancelled-1"))?.meta.conclusion).toBe("cancelled");
  });
  it("starts the cluster in each mode the config asks for, one at a time, and stops it after", async () => {
    const sha = await origin.commit({
      ".mlxbench.yml": mechanicsConfigYaml(await simPorts(), { singleDevice: true }),
    });
    const d = deps((_j, runDir) => createDryRunPublisher(runDir));
    const outcome = await runJob(
      job("two-modes-1", { commit: { sha, ref: "refs/heads/main" }, trigger: "push" }),
      { ...d, keepRunDirs: false },
      {},
    );
    expect(outcome.conclusion).toBe("neutral");
    const archived = await loadRun(store, REPO, "two-modes-1");
    const metrics = archived?.runResult?.metrics.map((m) => m.key) ?? [];
    expect(metrics).toContain("performance.single_device.output_tokens_per_s");
    expect(metrics).toContain("performance.throughput_improvement");
    const single = await store.get(
      `reports/${REPO}/runs/two-modes-1/files/logs/cluster-single-device.log`,
    );
    expect(single?.body.toString()).toContain("--devices 1");
    expect(single?.body.toString()).toMatch(/cluster process group \d+ (terminated|gone|killed)/);
    // Only the groups: the state file's other fields belong to worker/src/cluster.
    expect(
      (JSON.parse(await readFile(join(tmp, "groups.json"), "utf8")) as { groups: unknown[] })
        .groups,
    ).toEqual([]);
  }, 90_000);
  it("still concludes the check when neither the archive nor the spool takes the run", async () => {
    const blocker = join(tmp, "not-a-dir");
    await writeFile(blocker, "a file where directories should be");
    const d = deps((_j, runDir) => createDryRunPublisher(runDir));
    const err = await runJob(job("nowhere-1"), {
      ...d,
      store: createLocalArchiveStore(join(blocker, "archive")),
      spoolDir: join(blocker, "spool"),
      uploadRetry: { attempts: 1, baseDelayMs: 1 },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermanentJobError);
    expect((err as Error).message).toContain("published but not archived");
    const check = JSON.parse(
      await readFile(join(tmp, "work", "runs", "nowhere-1", "github", "check-run.json"), "utf8"),
    ) as { conclusion: string };
    expect(check.conclusion).toBe("failure");
  });

  it("keeps GitHub's refusal of a clone token as the cause of the failure it logs", async () => {
    const lines: string[] = [];
    const captured = pino({ level: "error" }, { write: (line: string) => lines.push(line) });
    const refused = await runJob(job("token-401-1"), {
      ...deps((_j, runDir) => createDryRunPublisher(runDir)),
      logger: captured,
      gitToken: () =>
        Promise.reject(Object.assign(new Error("token request answered 401"), { status: 401 })),
    });
    expect(refused.conclusion).toBe("failure");
    const failed = lines
      .map((l) => JSON.parse(l) as { msg: string; err?: { type: string; stack: string } })
      .find((l) => l.msg === "run failed");
    expect(failed?.err?.type).toBe("CloneTokenError");
    expect(failed?.err?.stack).toContain("caused by: Error: token request answered 401");
  });

  it("times the run on the injected clock: the archive's start, end and duration, the check's steps", async () => {
    const start = Date.parse("2031-05-04T03:02:01.000Z");
    let reads = 0;
    // Each read is one second later: every figure below is a whole number of the clock's seconds.
    const clock = { now: () => start + 1000 * reads++ };
    const outcome = await runJob(job("fake-clock-1"), {
      ...deps((_j, runDir) => createDryRunPublisher(runDir, () => new Date(clock.now()))),
      clock,
    });
    expect(reads).toBeGreaterThan(2);
    const meta = (await loadRun(store, REPO, "fake-clock-1"))?.meta;
    expect(meta?.startedAt).toBe("2031-05-04T03:02:01.000Z");
    const durationMs = Date.parse(meta?.finishedAt ?? "") - start;
    expect(meta?.durationMs).toBe(durationMs);
    expect(durationMs).toBeGreaterThanOrEqual(1000);
    expect(durationMs % 1000).toBe(0);
    expect(outcome.timings.totalMs % 1000).toBe(0);
    expect(outcome.timings.totalMs).toBeGreaterThan(durationMs);
    expect(outcome.timings.publishMs % 1000).toBe(0);
    const check = JSON.parse(
      await readFile(join(tmp, "work", "runs", "fake-clock-1", "github", "check-run.json"), "utf8"),
    ) as { completed_at: string; output: { text: string } };
    expect(check.completed_at.slice(0, 10)).toBe("2031-05-04");
    expect(check.output.text).toMatch(/^- 03:02:0\d fetching /m);
  });
});
