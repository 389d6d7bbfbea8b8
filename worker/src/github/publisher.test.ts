import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGitHubDouble, type GitHubDouble } from "@mlxbench/sim/github";
import type { BenchmarkJob } from "@mlxbench/proto";
import {
  commentMarker,
  createDryRunPublisher,
  createGitHubPublisher,
  createInstallationOctokit,
  DRY_RUN_FILES,
  isPermanentGitHubError,
  type CheckAnnotation,
} from "./index.js";

const REPO = "octo/hello";
const logger = pino({ level: "silent" });
let gh: GitHubDouble;

beforeAll(async () => {
  gh = await createGitHubDouble();
  gh.addInstallation(1, [REPO]);
});
afterAll(async () => {
  await gh.close();
});

function job(extra: Partial<BenchmarkJob> = {}): BenchmarkJob {
  return {
    schemaVersion: 1,
    jobId: `pr-abc-${Math.random().toString(36).slice(2)}`,
    installationId: 1,
    repository: {
      fullName: REPO,
      cloneUrl: "https://example.invalid/octo/hello.git",
      defaultBranch: "main",
      private: false,
    },
    commit: { sha: "a".repeat(40) },
    trigger: "pull_request",
    pullRequest: { number: 7, fromFork: false },
    suite: { quick: true, skipValidation: false, skipCommunication: false },
    requestedBy: "octocat",
    queuedAt: new Date().toISOString(),
    ...extra,
  };
}

const octokit = () =>
  createInstallationOctokit({
    appId: gh.appId,
    privateKey: gh.privateKey,
    installationId: 1,
    baseUrl: gh.url,
    logger,
    retries: 2,
    retryAfterBaseValue: 0.01,
  });

describe("GitHub publisher", () => {
  it("takes a check run from in_progress through progress to completed, with annotations in batches of 50", async () => {
    const j = job();
    const p = createGitHubPublisher({
      octokit: octokit(),
      job: j,
      checkName: "mlxbench",
      detailsUrl: "https://x.example/r",
      logger,
    });
    await p.startCheck("Starting");
    const run = [...gh.checkRuns.values()].find((r) => r.external_id === j.jobId);
    expect(run?.status).toBe("in_progress");
    await p.progress(["✔ checkout", "✔ cluster ready"]);
    const annotations: CheckAnnotation[] = Array.from({ length: 120 }, (_, i) => ({
      path: ".mlxbench.yml",
      start_line: i + 1,
      end_line: i + 1,
      annotation_level: "warning",
      message: `note ${i}`,
    }));
    await p.completeCheck({
      conclusion: "failure",
      title: "2 metrics regressed",
      summary: "x".repeat(70_000),
      text: "details",
      annotations,
    });
    expect(gh.violations).toEqual([]);
    expect(run?.status).toBe("completed");
    expect(run?.conclusion).toBe("failure");
    const updates = run?.updates ?? [];
    // created in_progress (no update), then progress, completion, two appends of annotations
    expect(updates).toHaveLength(4);
    const out = updates[1]?.output as { summary: string; annotations: unknown[] };
    expect(out.summary.length).toBeLessThanOrEqual(65_535);
    expect(out.annotations).toHaveLength(50);
    expect((updates[3]?.output as { annotations: unknown[] }).annotations).toHaveLength(20);
    const actions = updates[1]?.actions as {
      label: string;
      description: string;
      identifier: string;
    }[];
    expect(actions.map((a) => a.identifier)).toEqual(["rerun-full", "rerun-quick"]);
    for (const a of actions) {
      expect(a.label.length).toBeLessThanOrEqual(20);
      expect(a.description.length).toBeLessThanOrEqual(40);
    }
  });

  it("creates the check run within GitHub's summary limit when it first exists at completion", async () => {
    // The service could not create it and startCheck/progress failed: completeCheck creates it.
    const j = job();
    const p = createGitHubPublisher({ octokit: octokit(), job: j, checkName: "mlxbench", logger });
    await p.completeCheck({ conclusion: "success", title: "Passed", summary: "z".repeat(70_000) });
    const run = [...gh.checkRuns.values()].find((r) => r.external_id === j.jobId);
    expect(run?.conclusion).toBe("success");
    expect(gh.violations).toEqual([]);
  });

  it("keeps one PR comment: created once, then updated", async () => {
    const p = createGitHubPublisher({
      octokit: octokit(),
      job: job({ pullRequest: { number: 42, fromFork: false } }),
      checkName: "mlxbench",
      logger,
    });
    expect(await p.upsertPrComment(42, "first")).toBe("created");
    expect(await p.upsertPrComment(42, "second " + "y".repeat(70_000))).toBe("updated");
    const mine = [...gh.comments.values()].filter((c) => c.issue_number === 42);
    expect(mine).toHaveLength(1);
    expect(mine[0]?.body.startsWith(commentMarker("mlxbench"))).toBe(true);
    expect(mine[0]?.body.length).toBeLessThanOrEqual(65_536);
    expect(gh.violations).toEqual([]);
  });

  it("never takes a person's comment that quotes our marker for its own", async () => {
    const kit = octokit();
    const quoted = `> ${commentMarker("mlxbench")}\n> earlier results\n\nwhy did this regress?`;
    const [owner = "", repo = ""] = REPO.split("/");
    const { data: human } = await kit.rest.issues.createComment({
      owner,
      repo,
      issue_number: 43,
      body: quoted,
    });
    const p = createGitHubPublisher({
      octokit: kit,
      job: job({ pullRequest: { number: 43, fromFork: false } }),
      checkName: "mlxbench",
      logger,
    });
    expect(await p.upsertPrComment(43, "results")).toBe("created");
    expect(gh.comments.get(human.id)?.body).toBe(quoted);
    expect(gh.violations).toEqual([]);
  });

  it("answers the deployment protection rule", async () => {
    const p = createGitHubPublisher({
      octokit: octokit(),
      job: job({
        trigger: "deployment_gate",
        deployment: {
          environment: "production",
          callbackUrl: `${gh.url}/repos/${REPO}/actions/runs/99/deployment_protection_rule`,
          runId: 99,
        },
      }),
      checkName: "mlxbench",
      logger,
    });
    await p.answerGate("rejected", "2 metrics regressed");
    expect(gh.protectionReviews.at(-1)).toMatchObject({
      run_id: 99,
      environment_name: "production",
      state: "rejected",
      comment: "2 metrics regressed",
    });
  });

  it("answers through the callback URL when the job has no run id", async () => {
    const p = createGitHubPublisher({
      octokit: octokit(),
      job: job({
        trigger: "deployment_gate",
        deployment: {
          environment: "staging",
          callbackUrl: `${gh.url}/repos/${REPO}/actions/runs/77/deployment_protection_rule`,
        },
      }),
      checkName: "mlxbench",
      logger,
    });
    await p.answerGate("approved", "no regression");
    expect(gh.protectionReviews.at(-1)).toMatchObject({ run_id: 77, state: "approved" });
  });

  it("retries a failing GitHub and then succeeds", async () => {
    const j = job();
    const p = createGitHubPublisher({ octokit: octokit(), job: j, checkName: "mlxbench", logger });
    gh.failNext(2, 502);
    await p.startCheck("Starting");
    expect([...gh.checkRuns.values()].some((r) => r.external_id === j.jobId)).toBe(true);
  });

  it.each([
    [{ status: 422 }, true],
    [{ status: 404 }, true],
    [{ status: 500 }, false],
    [{ status: 429 }, false],
    [{ status: 403, message: "API rate limit exceeded" }, false],
    [new Error("socket hang up"), false],
  ])("classifies %j as permanent: %s", (err, permanent) => {
    expect(isPermanentGitHubError(err)).toBe(permanent);
  });
});

describe("dry-run publisher", () => {
  it("writes what it would post into the run's folder", async () => {
    const dir = await mkdtemp(join(tmpdir(), "dry-run-"));
    const p = createDryRunPublisher(dir);
    await p.startCheck("Starting");
    await p.progress(["✔ checkout"]);
    await p.completeCheck({ conclusion: "success", title: "No regression", summary: "all good" });
    await p.upsertPrComment(3, "comment body");
    await p.answerGate("approved", "fine");
    const check = JSON.parse(await readFile(join(dir, DRY_RUN_FILES.checkRun), "utf8")) as {
      conclusion: string;
    };
    expect(check.conclusion).toBe("success");
    expect(await readFile(join(dir, DRY_RUN_FILES.comment), "utf8")).toBe("comment body");
    expect(await readFile(join(dir, DRY_RUN_FILES.progress), "utf8")).toContain("✔ checkout");
    expect(JSON.parse(await readFile(join(dir, DRY_RUN_FILES.gate), "utf8"))).toEqual({
      state: "approved",
      comment: "fine",
    });
    await rm(dir, { recursive: true, force: true });
  });
});
