import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { jobCancelKey, parseBenchmarkJob, type BenchmarkJob } from "@mlxbench/proto";
import { createGitHubDouble } from "@mlxbench/sim/github";
import { pullRequestRunsKey, readPullRequestRuns } from "../jobs/index.js";
import {
  INSTALLATION_ID,
  REPO,
  loadExample,
  setPath,
  startHarness,
  type Harness,
  type HarnessOptions,
} from "../testing/index.js";

const SHA = (c: string) => c.repeat(40);
const CLOSED_REDIS = "redis://127.0.0.1:1";

const open: Harness[] = [];
afterEach(async () => {
  const all = open.splice(0);
  const violations = all.flatMap((h) => h.gh.violations);
  for (const h of all.reverse()) await h.close();
  expect(violations).toEqual([]);
});

async function harness(options?: HarnessOptions): Promise<Harness> {
  const h = await startHarness(options);
  open.push(h);
  return h;
}

async function liveJobs(x: Harness): Promise<BenchmarkJob[]> {
  const list = await x.queue.getJobs(["waiting", "active", "delayed", "prioritized"]);
  return list.map((j) => parseBenchmarkJob(j.data));
}

function push(number: number, sha: string, minute: number): Record<string, unknown> {
  const p = loadExample("pull_request", "synchronize");
  setPath(p, "installation.id", INSTALLATION_ID);
  setPath(p, "pull_request.draft", false);
  setPath(p, "number", number);
  setPath(p, "pull_request.number", number);
  setPath(p, "pull_request.head.sha", sha);
  setPath(p, "pull_request.updated_at", `2024-01-01T00:${String(minute).padStart(2, "0")}:00Z`);
  return p;
}

function benchmarkComment(body: string, createdAt: string): Record<string, unknown> {
  const p = loadExample("issue_comment", "created");
  setPath(p, "installation.id", INSTALLATION_ID);
  setPath(p, "issue.number", 1);
  setPath(p, "issue.pull_request", { url: `https://api.github.com/repos/${REPO}/pulls/1` });
  setPath(p, "comment.body", body);
  setPath(p, "comment.author_association", "OWNER");
  setPath(p, "comment.created_at", createdAt);
  return p;
}

/** Every check run the service created is either the check of a live job or concluded. */
function orphanedChecks(x: Harness, jobs: BenchmarkJob[]): number[] {
  const referenced = new Set(jobs.map((j) => j.checkRunId));
  return [...x.gh.checkRuns.values()]
    .filter((c) => c.status !== "completed" && !referenced.has(c.id))
    .map((c) => c.id);
}

describe("two deliveries for the same pull request at once", () => {
  it("a newer push that lands while the older delivery is between its steps wins, and the older removes itself", async () => {
    const late: { harness?: Harness } = {};
    let raced = false;
    // The older delivery's check-run request is held until the newer delivery has been processed.
    const fetchWithRace: typeof fetch = async (input, init) => {
      const url = String(input instanceof Request ? input.url : input);
      if (!raced && init?.method === "POST" && url.endsWith("/check-runs") && late.harness) {
        raced = true;
        const res = await late.harness.deliver("pull_request", push(1, SHA("b"), 5));
        expect(res.status).toBe(202);
      }
      return fetch(input, init);
    };
    const x = await harness({ githubFetch: fetchWithRace });
    late.harness = x;
    const older = await x.deliver("pull_request", push(1, SHA("a"), 0));
    expect(raced).toBe(true);
    expect(await older.json()).toMatchObject({
      result: "ignored",
      reason: expect.stringContaining("Superseded by a newer push (bbbbbbb)") as string,
    });

    const jobs = await liveJobs(x);
    expect(jobs.map((j) => j.commit.sha)).toEqual([SHA("b")]);
    const olderCheck = [...x.gh.checkRuns.values()].find((c) => c.head_sha === SHA("a"));
    expect(olderCheck).toMatchObject({ status: "completed", conclusion: "cancelled" });
    expect(orphanedChecks(x, jobs)).toEqual([]);
    const olderJobId = olderCheck?.external_id ?? "";
    expect(await x.redis.get(jobCancelKey(olderJobId, x.config.KEY_PREFIX))).toContain(
      "Superseded",
    );
    const record = await readPullRequestRuns(
      x.redis,
      pullRequestRunsKey(x.config.KEY_PREFIX, REPO, 1),
    );
    expect(record?.sha).toBe(SHA("b"));
    expect(Object.keys(record?.jobs ?? {})).toEqual([jobs[0]?.jobId]);
  });

  it("many pushes of one pull request delivered at once leave exactly the newest one running", async () => {
    const x = await harness();
    // Sent together, in an order unlike their updated_at: GitHub does not guarantee order.
    const minutes = [3, 0, 4, 1, 2];
    const shas = ["a", "b", "c", "d", "e"].map(SHA);
    const responses = await Promise.all(
      minutes.map((m, i) => x.deliver("pull_request", push(7, shas[i] ?? "", m))),
    );
    expect(responses.every((r) => r.status === 202)).toBe(true);
    const jobs = await liveJobs(x);
    expect(jobs.map((j) => j.commit.sha)).toEqual([SHA("c")]);
    expect(orphanedChecks(x, jobs)).toEqual([]);
  });
});

describe("/benchmark runs and later pushes", () => {
  function withPull(x: Harness, headSha: string): void {
    x.gh.addPullRequest(REPO, {
      number: 1,
      headSha,
      baseSha: SHA("f"),
      updatedAt: "2024-01-01T00:00:00Z",
    });
  }

  it("a later push cancels a /benchmark run of the older commit, with a note", async () => {
    const x = await harness();
    withPull(x, SHA("a"));
    const cmd = await x.deliver(
      "issue_comment",
      benchmarkComment("/benchmark full", "2024-01-01T00:01:00Z"),
    );
    expect(cmd.status).toBe(202);
    const [commandJob] = await liveJobs(x);
    expect(commandJob).toMatchObject({ trigger: "comment", commit: { sha: SHA("a") } });

    withPull(x, SHA("b"));
    expect((await x.deliver("pull_request", push(1, SHA("b"), 5))).status).toBe(202);

    const jobs = await liveJobs(x);
    expect(jobs.map((j) => [j.trigger, j.commit.sha])).toEqual([["pull_request", SHA("b")]]);
    const check = x.gh.checkRuns.get(commandJob?.checkRunId ?? -1);
    expect(check).toMatchObject({ status: "completed", conclusion: "cancelled" });
    const summary = JSON.stringify(check?.output);
    expect(summary).toContain("Superseded by a newer push (bbbbbbb)");
    expect(summary).toContain("/benchmark");
  });

  it("a /benchmark that saw a head older than the recorded one is not run, and says why", async () => {
    const x = await harness();
    await x.deliver("pull_request", push(1, SHA("b"), 5));
    // GET pulls still answered the older head (the push had not reached it yet).
    withPull(x, SHA("a"));
    const res = await x.deliver(
      "issue_comment",
      benchmarkComment("/benchmark", "2024-01-01T00:02:00Z"),
    );
    expect(await res.json()).toMatchObject({ result: "ignored" });
    expect((await liveJobs(x)).map((j) => j.commit.sha)).toEqual([SHA("b")]);
    const [reply] = [...x.gh.comments.values()];
    expect(reply?.body).toContain("moved on to bbbbbbb");
  });

  it("a /benchmark of the current head runs next to the push's run of it", async () => {
    const x = await harness();
    await x.deliver("pull_request", push(1, SHA("b"), 5));
    withPull(x, SHA("b"));
    await x.deliver("issue_comment", benchmarkComment("/benchmark full", "2024-01-01T00:02:00Z"));
    const triggers = (await liveJobs(x)).map((j) => j.trigger).sort();
    expect(triggers).toEqual(["comment", "pull_request"]);
  });

  it("a fork's push supersedes a /benchmark run of the fork's older commit", async () => {
    const x = await harness();
    x.gh.addPullRequest(REPO, {
      number: 1,
      headSha: SHA("a"),
      headRepoFullName: "contributor/Hello-World",
      updatedAt: "2024-01-01T00:00:00Z",
    });
    await x.deliver("issue_comment", benchmarkComment("/benchmark", "2024-01-01T00:01:00Z"));
    const [commandJob] = await liveJobs(x);
    expect(commandJob?.pullRequest?.fromFork).toBe(true);
    const forkPush = push(1, SHA("b"), 5);
    setPath(forkPush, "pull_request.head.repo.full_name", "contributor/Hello-World");
    expect(await (await x.deliver("pull_request", forkPush)).json()).toMatchObject({
      result: "waiting",
    });
    expect(await liveJobs(x)).toEqual([]);
    expect(x.gh.checkRuns.get(commandJob?.checkRunId ?? -1)?.conclusion).toBe("cancelled");
  });
});

describe("Redis failing part-way leaves no orphaned check run", () => {
  it("a failed enqueue concludes its check run; the redelivery's job carries the new one", async () => {
    const gh = await createGitHubDouble();
    const id = randomUUID();
    const env = { QUEUE_NAME: `test-${id}`, KEY_PREFIX: `test-${id}:`, QUEUE_TIMEOUT_MS: "300" };
    const down = await harness({ gh, env, queueRedisUrl: CLOSED_REDIS });
    const up = await harness({ gh, env });
    const deliveryId = randomUUID();
    expect((await down.deliver("pull_request", push(1, SHA("a"), 0), { deliveryId })).status).toBe(
      503,
    );
    expect((await up.deliver("pull_request", push(1, SHA("a"), 0), { deliveryId })).status).toBe(
      202,
    );
    const jobs = await liveJobs(up);
    expect(jobs).toHaveLength(1);
    expect(gh.checkRuns.size).toBe(2);
    expect(orphanedChecks(up, jobs)).toEqual([]);
    await gh.close();
  });

  it("a redelivery of a delivery whose job is stored (its mark lost) concludes its extra check run", async () => {
    const x = await harness();
    const deliveryId = randomUUID();
    await x.deliver("pull_request", push(1, SHA("a"), 0), { deliveryId });
    await x.redis.del(`${x.config.KEY_PREFIX}delivery:${deliveryId}`);
    const again = await x.deliver("pull_request", push(1, SHA("a"), 0), { deliveryId });
    expect(again.status).toBe(202);
    const jobs = await liveJobs(x);
    expect(jobs).toHaveLength(1);
    expect(x.gh.checkRuns.size).toBe(2);
    expect(orphanedChecks(x, jobs)).toEqual([]);
    const extra = [...x.gh.checkRuns.values()].find((c) => c.id !== jobs[0]?.checkRunId);
    expect(JSON.stringify(extra?.output)).toContain("already queued");
  });

  it("a delivery still being processed is not acknowledged to a concurrent redelivery", async () => {
    const x = await harness();
    const deliveryId = randomUUID();
    await x.redis.set(`${x.config.KEY_PREFIX}delivery:${deliveryId}`, "pending", "EX", 60);
    const res = await x.deliver("pull_request", push(1, SHA("a"), 0), { deliveryId });
    expect(res.status).toBe(409);
    expect(await liveJobs(x)).toEqual([]);
    expect(x.gh.requests).toHaveLength(0);
  });
});
