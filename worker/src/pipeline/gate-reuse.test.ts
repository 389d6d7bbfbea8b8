import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGitHubDouble, type GitHubDouble } from "@mlxbench/sim/github";
import type { BenchmarkJob } from "@mlxbench/proto";
import { archiveRun, createLocalArchiveStore, loadRun, type ArchiveStore } from "@mlxbench/archive";
import { sampleRunResult } from "@mlxbench/archive/testing";
import { createFixtureRepo, type FixtureRepo } from "../checkout/test-support.js";
import { parseConfigYaml } from "@mlxbench/suite/config";
import { expectFingerprint } from "./find-reusable-run.js";
import { runJob, systemClock, type PipelineDeps } from "./index.js";
import { mechanicsConfigYaml, publishToDouble, simConfigYaml, simPorts } from "./test-support.js";

const REPO = "octo/hello";
const HOUR = 3_600_000;
const logger = pino({ level: "silent" });
let tmp: string;
let origin: FixtureRepo;
let gh: GitHubDouble;
let store: ArchiveStore;
let ghRunId = 100;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "gate-reuse-test-"));
  origin = await createFixtureRepo(join(tmp, "origin"));
  gh = await createGitHubDouble();
  gh.addInstallation(1, [REPO]);
  store = createLocalArchiveStore(join(tmp, "archive"));
});
afterAll(async () => {
  await gh.close();
  await rm(tmp, { recursive: true, force: true });
});

function gateJob(jobId: string, sha: string): BenchmarkJob {
  return {
    schemaVersion: 1,
    jobId,
    installationId: 1,
    repository: { fullName: REPO, cloneUrl: origin.dir, defaultBranch: "main", private: false },
    commit: { sha, ref: "refs/heads/main" },
    trigger: "deployment_gate",
    deployment: {
      environment: "production",
      callbackUrl:
        "https://api.github.com/repos/octo/hello/actions/runs/1/deployment_protection_rule",
      runId: ++ghRunId,
    },
    suite: { quick: true, skipValidation: false, skipCommunication: false },
    requestedBy: "octocat",
    queuedAt: new Date().toISOString(),
  };
}

function deps(): PipelineDeps {
  return {
    store,
    spoolDir: join(tmp, "spool"),
    workDir: join(tmp, "work"),
    cloneCacheDir: join(tmp, "clones"),
    clusterStateFile: join(tmp, "groups.json"),
    checkName: "mlxbench",
    logger,
    clock: systemClock,
    createPublisher: publishToDouble(gh, logger),
    publishRetry: { attempts: 2, baseDelayMs: 10 },
  };
}

/** A config whose cluster cannot start: a job that reaches the cluster fails on it, visibly. */
async function unstartableCommit(
  name: string,
  extraYaml = "",
): Promise<{ sha: string; hash: string }> {
  const yaml =
    simConfigYaml({
      ...(await simPorts()),
      start: "echo gate-reuse-cluster-start; exit 3",
      readinessTimeoutS: 5,
    }) + extraYaml;
  const sha = await origin.commit({ ".mlxbench.yml": yaml, "which.txt": name });
  const hash = expectFingerprint(
    gateJob("x", sha),
    parseConfigYaml(yaml),
    "default_branch",
  ).suiteOptionsHash;
  return { sha, hash };
}

/** An archived earlier run of `sha` that succeeded, finished `ageMs` ago. */
async function seedRun(
  runId: string,
  sha: string,
  suiteOptionsHash: string,
  ageMs: number,
): Promise<void> {
  const finishedAt = new Date(Date.now() - ageMs).toISOString();
  const base = sampleRunResult({ runId, commit: sha, finishedAt });
  const runResult = {
    ...base,
    startedAt: new Date(Date.parse(finishedAt) - 60_000).toISOString(),
    fingerprint: { ...base.fingerprint, suiteOptionsHash },
    readiness: { verdict: "READY" as const, blocking: [], warnings: [], greenLights: [] },
    validation: { status: "PASS" as const, criticalFailures: [], fixes: [] },
  };
  await archiveRun(store, {
    meta: {
      runId,
      repository: REPO,
      private: false,
      commit: sha,
      branch: "main",
      defaultBranch: "main",
      trigger: "push",
      requestedBy: "octocat",
      startedAt: runResult.startedAt,
      finishedAt,
      durationMs: 60_000,
      conclusion: "success",
      reason: "no gated metric changed",
      fingerprint: runResult.fingerprint,
    },
    runResult,
    verdict: {
      conclusion: "success",
      kind: "ok",
      reason: "no gated metric changed",
      baseline: null,
      metrics: [],
    },
    summaryMarkdown: "seeded\n",
    artifacts: [],
    isBaseline: false,
  });
}

const review = (ghRun: number | undefined) =>
  gh.protectionReviews.filter((r) => r.run_id === ghRun);
const checkOf = (jobId: string) => [...gh.checkRuns.values()].find((r) => r.external_id === jobId);

// Every test runs the whole job pipeline (checkout, cluster start, suite, archive, publish); the
// last one runs the suite against the reference cluster twice. On a loaded 2-core machine that
// took minutes, not seconds.
describe("runJob for a deployment gate", { timeout: 240_000 }, () => {
  it("answers from a recent run of the same commit and options, without starting the cluster", async () => {
    const { sha, hash } = await unstartableCommit("recent");
    await seedRun("seed-recent", sha, hash, 2 * HOUR);
    const job = gateJob("gate-recent", sha);
    const outcome = await runJob(job, deps());
    // The start command exits 3: only a reused verdict can be a success here.
    expect(outcome.conclusion).toBe("success");
    expect(outcome.reason).toBe("reused run seed-recent: no gated metric changed");
    expect(outcome.timings.clusterStartMs).toBe(0);
    expect(review(job.deployment?.runId)).toEqual([
      expect.objectContaining({
        state: "approved",
        comment: expect.stringContaining("reused run seed-recent") as unknown,
      }),
    ]);
    const check = checkOf("gate-recent");
    expect(check?.conclusion).toBe("success");
    const last = check?.updates.at(-1) as { output: { title: string; summary: string } };
    expect(last.output.summary).toContain("reused run `seed-recent`");
    expect(last.output.summary).toContain(hash);
    const archived = await loadRun(store, REPO, "gate-recent");
    expect(archived?.runResult).toBeNull();
    expect(archived?.meta.fingerprint).toBeUndefined();
    expect(archived?.meta.files).toContain("files/reused-from.json");
    expect(archived?.meta.files.some((f) => f.includes("cluster-distributed.log"))).toBe(false);
    expect(gh.violations).toEqual([]);

    // A retry after the publication failed republishes the same answer from the reused run.
    const again = await runJob(job, deps());
    expect(again.archivedIn).toBe("already-archived");
    expect(review(job.deployment?.runId).map((r) => r.state)).toEqual(["approved", "approved"]);
    expect(review(job.deployment?.runId)[1]?.comment).toContain("reused run seed-recent");
  });

  it("runs again when the only run of the commit is older than reuse_within_hours", async () => {
    const { sha, hash } = await unstartableCommit("old");
    await seedRun("seed-old", sha, hash, 30 * HOUR);
    const job = gateJob("gate-old", sha);
    const outcome = await runJob(job, deps());
    expect(outcome.conclusion).toBe("failure");
    expect(outcome.reason).not.toContain("reused");
    expect(review(job.deployment?.runId)[0]?.state).toBe("rejected");
    const log = await store.get(`reports/${REPO}/runs/gate-old/files/logs/cluster-distributed.log`);
    expect(log?.body.toString()).toContain("gate-reuse-cluster-start");
  });

  it("honours a longer reuse_within_hours", async () => {
    const { sha, hash } = await unstartableCommit("long", "gate:\n  reuse_within_hours: 48\n");
    await seedRun("seed-long", sha, hash, 30 * HOUR);
    const outcome = await runJob(gateJob("gate-long", sha), deps());
    expect(outcome.reason).toBe("reused run seed-long: no gated metric changed");
  });

  it("never reuses with reuse_within_hours: 0", async () => {
    const { sha, hash } = await unstartableCommit("off", "gate:\n  reuse_within_hours: 0\n");
    await seedRun("seed-off", sha, hash, 60_000);
    const outcome = await runJob(gateJob("gate-off", sha), deps());
    expect(outcome.conclusion).toBe("failure");
    expect(outcome.reason).not.toContain("reused");
    const log = await store.get(`reports/${REPO}/runs/gate-off/files/logs/cluster-distributed.log`);
    expect(log?.body.toString()).toContain("gate-reuse-cluster-start");
  });

  it("answers by the repository's gate rules when the run fails, and again when a retry only republishes", async () => {
    // mlxbench gates staging only; this deployment is to production. The default rules gate
    // every environment and would reject the failed run.
    const { sha } = await unstartableCommit(
      "rules",
      "gate:\n  environments: [staging]\n  reuse_within_hours: 0\n",
    );
    const job = gateJob("gate-rules", sha);
    gh.setDown(true); // the run is archived, then publishing fails
    const first = await runJob(job, deps()).catch((e: unknown) => e);
    gh.setDown(false);
    expect((first as Error).message).toContain("publishing failed");
    const archived = await loadRun(store, REPO, "gate-rules");
    expect(archived?.meta.conclusion).toBe("failure");
    expect(archived?.meta.files).toContain("files/gate-config.json");
    expect(review(job.deployment?.runId)).toEqual([]);

    const retry = await runJob(job, deps());
    expect(retry.archivedIn).toBe("already-archived");
    expect(review(job.deployment?.runId)).toEqual([
      expect.objectContaining({ state: "approved", comment: "mlxbench does not gate production" }),
    ]);
  });

  it("runs the suite past a run of other options, and the next gate reuses that real run", async () => {
    const yaml = mechanicsConfigYaml(await simPorts());
    const sha = await origin.commit({ ".mlxbench.yml": yaml, "which.txt": "real" });
    await seedRun("seed-other-options", sha, "not-this-hash", 60_000);

    const first = gateJob("gate-real-1", sha);
    const ran = await runJob(first, deps());
    expect(ran.reason).not.toContain("reused");
    const measured = await loadRun(store, REPO, "gate-real-1");
    // The suite's own fingerprint is the one the lookup predicts before running.
    expect(measured?.runResult?.fingerprint.suiteOptionsHash).toBe(
      expectFingerprint(first, parseConfigYaml(yaml), "default_branch").suiteOptionsHash,
    );
    expect(measured?.runResult?.fingerprint.suiteOptionsHash).not.toBe("not-this-hash");

    const second = gateJob("gate-real-2", sha);
    const reused = await runJob(second, deps());
    expect(reused.conclusion).toBe(ran.conclusion);
    expect(reused.reason).toBe(`reused run gate-real-1: ${measured?.meta.reason ?? "?"}`);
    expect(reused.timings.suiteMs).toBe(0);
    expect(review(second.deployment?.runId)[0]?.comment).toContain("reused run gate-real-1");
    expect(review(second.deployment?.runId)[0]?.state).toBe(
      review(first.deployment?.runId)[0]?.state,
    );
  });
});
