// Runner pools wired into the webhook triggers: signed real payloads, the GitHub double (checked
// against GitHub's OpenAPI) and real Redis/BullMQ queues per pool.
import { afterEach, describe, expect, it } from "vitest";
import {
  fairTagKey,
  jobCancelKey,
  parseBenchmarkJob,
  poolLastSeenKey,
  runnerKey,
  type BenchmarkJob,
  type RunnerHeartbeat,
} from "@mlxbench/proto";
import { readPullRequestRuns, pullRequestRunsKey } from "../jobs/index.js";
import {
  INSTALLATION_ID,
  REPO,
  loadExample,
  setPath,
  startHarness,
  type Harness,
} from "../testing/index.js";

const SHA_A = "a".repeat(40);
const SHA_B = "b".repeat(40);
const STATES = ["waiting", "active", "delayed", "prioritized"] as const;

let h: Harness | undefined;
afterEach(async () => {
  const current = h;
  h = undefined;
  if (!current) return;
  const violations = current.gh.violations;
  await current.close();
  expect(violations).toEqual([]);
});

async function fleetHarness(): Promise<Harness> {
  h = await startHarness({ pools: true });
  const beat: RunnerHeartbeat = {
    runnerId: "mac-1",
    labels: ["m2-ultra", "m4-max"],
    fingerprint: "fp-1",
    at: Date.now(),
    beatMs: 10_000,
    currentJob: null,
  };
  await h.redis.set(runnerKey(h.config.KEY_PREFIX, "mac-1"), JSON.stringify(beat), "PX", 60_000);
  await h.redis.hset(poolLastSeenKey(h.config.KEY_PREFIX), { "m2-ultra": 1, "m4-max": 1 });
  return h;
}

function pullRequest(action: string, sha: string, updatedAt: string): Record<string, unknown> {
  const p = loadExample("pull_request", action);
  setPath(p, "installation.id", INSTALLATION_ID);
  setPath(p, "pull_request.draft", false);
  setPath(p, "pull_request.head.sha", sha);
  setPath(p, "pull_request.updated_at", updatedAt);
  return p;
}

async function poolJobs(x: Harness, label: string): Promise<BenchmarkJob[]> {
  const list = (await x.pools?.queueFor(label).getJobs([...STATES])) ?? [];
  return list.map((j) => parseBenchmarkJob(j.data));
}

const checksNamed = (x: Harness, name: string) =>
  [...x.gh.checkRuns.values()].filter((c) => c.name === name);

describe("pull_request with runner pools", () => {
  it("creates one check run and one job per pool of runs-on, none on QUEUE_NAME", async () => {
    const x = await fleetHarness();
    x.gh.setContent(REPO, ".mlxbench.yml", "runs-on: [m2-ultra, m4-max]\n", SHA_A);
    const res = await x.deliver(
      "pull_request",
      pullRequest("opened", SHA_A, "2024-01-01T00:00:00Z"),
    );
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ result: "queued" });
    for (const label of ["m2-ultra", "m4-max"]) {
      const [job, ...more] = await poolJobs(x, label);
      expect(more).toEqual([]);
      const [check] = checksNamed(x, `mlxbench / ${label}`);
      expect(check).toMatchObject({ status: "queued", head_sha: SHA_A });
      expect(job).toMatchObject({ pool: label, checkRunId: check?.id, commit: { sha: SHA_A } });
      // An automatic run: priority 1000 plus the repository's fair tag.
      const stored = await x.pools?.queueFor(label).getJob(job?.jobId ?? "");
      expect(stored?.opts.priority).toBe(1000);
    }
    expect(await x.queue.getJobs([...STATES])).toEqual([]);
  });

  it("answers an unknown label with a neutral check naming the labels that exist", async () => {
    const x = await fleetHarness();
    x.gh.setContent(REPO, ".mlxbench.yml", "runs-on: [m5-typo]\n", SHA_A);
    const res = await x.deliver(
      "pull_request",
      pullRequest("opened", SHA_A, "2024-01-01T00:00:00Z"),
    );
    expect(await res.json()).toMatchObject({
      result: "ignored",
      reason: "no runner pool labelled m5-typo",
    });
    const [check] = checksNamed(x, "mlxbench / m5-typo");
    expect(check).toMatchObject({ status: "completed", conclusion: "neutral" });
    expect(JSON.stringify(check?.output)).toContain("`m2-ultra`, `m4-max`");
    expect(await poolJobs(x, "m5-typo")).toEqual([]);
  });

  it("supersedes the older head's jobs in both pools once on synchronize", async () => {
    const x = await fleetHarness();
    x.gh.setContent(REPO, ".mlxbench.yml", "runs-on: [m2-ultra, m4-max]\n");
    await x.deliver("pull_request", pullRequest("opened", SHA_A, "2024-01-01T00:00:00Z"));
    const old = [...(await poolJobs(x, "m2-ultra")), ...(await poolJobs(x, "m4-max"))];
    expect(old).toHaveLength(2);
    const res = await x.deliver(
      "pull_request",
      pullRequest("synchronize", SHA_B, "2024-01-01T00:05:00Z"),
    );
    expect(await res.json()).toMatchObject({ result: "queued" });
    for (const label of ["m2-ultra", "m4-max"]) {
      const jobs = await poolJobs(x, label);
      expect(jobs.map((j) => j.commit.sha)).toEqual([SHA_B]);
      // The removed job gave its fair tag back: one job of the repository counts in the pool.
      expect(await x.redis.hget(fairTagKey(x.config.KEY_PREFIX, label), REPO)).toBe("1");
      const checks = checksNamed(x, `mlxbench / ${label}`);
      expect(checks.find((c) => c.head_sha === SHA_A)).toMatchObject({
        status: "completed",
        conclusion: "cancelled",
      });
    }
    for (const j of old) {
      expect(await x.redis.get(jobCancelKey(j.jobId, x.config.KEY_PREFIX))).toContain(
        "Superseded by a newer push",
      );
    }
    const number = old[0]?.pullRequest?.number ?? 0;
    const record = await readPullRequestRuns(
      x.redis,
      pullRequestRunsKey(x.config.KEY_PREFIX, REPO, number),
    );
    expect(record?.sha).toBe(SHA_B);
    expect(
      Object.values(record?.jobs ?? {})
        .map((e) => [e.sha, e.pool, e.pending])
        .sort(),
    ).toEqual([
      [SHA_B, "m2-ultra", undefined],
      [SHA_B, "m4-max", undefined],
    ]);
  });

  it("rejects a runs-on that is not a list with a neutral check naming the key", async () => {
    const x = await fleetHarness();
    x.gh.setContent(REPO, ".mlxbench.yml", "runs-on: m2 ultra\n", SHA_A);
    const res = await x.deliver(
      "pull_request",
      pullRequest("opened", SHA_A, "2024-01-01T00:00:00Z"),
    );
    const body = (await res.json()) as { result: string; reason: string };
    expect(body.result).toBe("ignored");
    expect(body.reason).toMatch(/runs-on/);
    expect(checksNamed(x, "mlxbench")).toMatchObject([{ conclusion: "neutral" }]);
  });
});

describe("/benchmark with runner pools", () => {
  it("queues a person's command at priority 1, ahead of automatic runs", async () => {
    const x = await fleetHarness();
    x.gh.setContent(REPO, ".mlxbench.yml", "runs-on: [m4-max]\n", SHA_A);
    x.gh.addPullRequest(REPO, {
      number: 1,
      headSha: SHA_A,
      headRepoFullName: REPO,
      baseSha: SHA_B,
    });
    const p = loadExample("issue_comment", "created");
    setPath(p, "installation.id", INSTALLATION_ID);
    setPath(p, "issue.pull_request", { url: `https://api.github.com/repos/${REPO}/pulls/1` });
    setPath(p, "comment.body", "/benchmark");
    setPath(p, "comment.author_association", "OWNER");
    const res = await x.deliver("issue_comment", p);
    expect(await res.json()).toMatchObject({ result: "queued" });
    const [job] = await poolJobs(x, "m4-max");
    expect(job).toMatchObject({ trigger: "comment", pool: "m4-max", commit: { sha: SHA_A } });
    const stored = await x.pools?.queueFor("m4-max").getJob(job?.jobId ?? "");
    expect(stored?.opts.priority).toBe(1);
  });
});

describe("without runner pools", () => {
  it("queues one job on QUEUE_NAME as before, whatever runs-on says", async () => {
    h = await startHarness();
    h.gh.setContent(REPO, ".mlxbench.yml", "runs-on: [m2-ultra, m4-max]\n", SHA_A);
    await h.deliver("pull_request", pullRequest("opened", SHA_A, "2024-01-01T00:00:00Z"));
    const jobs = (await h.queue.getJobs([...STATES])).map((j) => parseBenchmarkJob(j.data));
    expect(jobs).toHaveLength(1);
    expect(jobs[0]?.pool).toBeUndefined();
    expect(checksNamed(h, "mlxbench")).toHaveLength(1);
  });
});
