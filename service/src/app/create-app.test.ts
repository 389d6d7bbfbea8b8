import { randomUUID } from "node:crypto";
import { Worker } from "bullmq";
import { afterEach, describe, expect, it } from "vitest";
import { jobCancelKey, parseBenchmarkJob, type BenchmarkJob } from "@mlxbench/proto";
import { toRedisOptions } from "./index.js";
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
const CLOSED_REDIS = "redis://127.0.0.1:1";

let h: Harness | undefined;
afterEach(async () => {
  const current = h;
  h = undefined;
  if (!current) return;
  // Every request the service sent must follow GitHub's OpenAPI description.
  const violations = current.gh.violations;
  await current.close();
  expect(violations).toEqual([]);
});

async function harness(options?: Parameters<typeof startHarness>[0]): Promise<Harness> {
  h = await startHarness(options);
  return h;
}

async function jobs(x: Harness): Promise<BenchmarkJob[]> {
  const list = await x.queue.getJobs(["waiting", "active", "delayed", "prioritized"]);
  return list.map((j) => parseBenchmarkJob(j.data));
}

function pullRequest(
  action: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  const p = loadExample("pull_request", action);
  setPath(p, "installation.id", INSTALLATION_ID);
  setPath(p, "pull_request.draft", false);
  for (const [path, value] of Object.entries(overrides)) setPath(p, path, value);
  return p;
}

function comment(
  body: string,
  association = "OWNER",
  login = "Codertocat",
): Record<string, unknown> {
  const p = loadExample("issue_comment", "created");
  setPath(p, "installation.id", INSTALLATION_ID);
  setPath(p, "issue.pull_request", { url: `https://api.github.com/repos/${REPO}/pulls/1` });
  setPath(p, "comment.body", body);
  setPath(p, "comment.author_association", association);
  setPath(p, "sender.login", login);
  return p;
}

describe("pull_request", () => {
  it.each(["opened", "synchronize", "reopened", "ready_for_review"])(
    "%s queues a PR run behind a queued check run",
    async (action) => {
      const x = await harness();
      const deliveryId = randomUUID();
      const res = await x.deliver("pull_request", pullRequest(action), { deliveryId });
      expect(res.status).toBe(202);
      const [job, ...more] = await jobs(x);
      expect(more).toEqual([]);
      expect(job).toMatchObject({
        trigger: "pull_request",
        installationId: INSTALLATION_ID,
        commit: { sha: "ec26c3e57ca3a959ca5aad62de7213c562f8c821" },
        pullRequest: { number: 2, fromFork: false },
        repository: { fullName: REPO },
      });
      expect(job?.jobId).toContain(deliveryId);
      expect(job?.jobId).not.toContain(":");
      const check = x.gh.checkRuns.get(job?.checkRunId ?? -1);
      expect(check).toMatchObject({
        name: "mlxbench",
        status: "queued",
        external_id: job?.jobId,
        details_url: `https://mlxbench.example.com/reports/${REPO}/runs/${job?.jobId}`,
      });
    },
  );

  it("skips drafts unless RUN_ON_DRAFTS is set", async () => {
    const x = await harness();
    const res = await x.deliver(
      "pull_request",
      pullRequest("opened", { "pull_request.draft": true }),
    );
    expect(await res.json()).toMatchObject({
      result: "ignored",
      reason: expect.stringContaining("draft") as string,
    });
    expect(await jobs(x)).toHaveLength(0);
    await x.close();
    const y = await harness({ env: { RUN_ON_DRAFTS: "true" } });
    await y.deliver("pull_request", pullRequest("opened", { "pull_request.draft": true }));
    expect(await jobs(y)).toHaveLength(1);
  });

  it("answers 2xx to actions and events it does not handle, and queues nothing", async () => {
    const x = await harness();
    const closed = await x.deliver("pull_request", pullRequest("closed"));
    expect(closed.status).toBe(202);
    expect(await closed.json()).toMatchObject({ result: "ignored" });
    const ping = await x.deliver("ping", loadExample("ping"));
    expect(ping.status).toBe(202);
    expect(await jobs(x)).toHaveLength(0);
    expect(x.gh.requests).toHaveLength(0);
  });

  it("treats a redelivery (same X-GitHub-Delivery) as done", async () => {
    const x = await harness();
    const deliveryId = randomUUID();
    expect((await x.deliver("pull_request", pullRequest("opened"), { deliveryId })).status).toBe(
      202,
    );
    const again = await x.deliver("pull_request", pullRequest("opened"), { deliveryId });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ result: "duplicate" });
    expect(await jobs(x)).toHaveLength(1);
    expect(x.gh.checkRuns.size).toBe(1);
  });

  it("a newer push removes the queued job and cancels its check run", async () => {
    const x = await harness();
    await x.deliver(
      "pull_request",
      pullRequest("opened", {
        "pull_request.head.sha": SHA_A,
        "pull_request.updated_at": "2024-01-01T00:00:00Z",
      }),
    );
    const [first] = await jobs(x);
    await x.deliver(
      "pull_request",
      pullRequest("synchronize", {
        "pull_request.head.sha": SHA_B,
        "pull_request.updated_at": "2024-01-01T00:05:00Z",
      }),
    );
    const remaining = await jobs(x);
    expect(remaining.map((j) => j.commit.sha)).toEqual([SHA_B]);
    expect(await x.queue.getJob(first?.jobId ?? "")).toBeUndefined();
    const oldCheck = x.gh.checkRuns.get(first?.checkRunId ?? -1);
    expect(oldCheck).toMatchObject({ status: "completed", conclusion: "cancelled" });
    expect(JSON.stringify(oldCheck?.output)).toContain("Superseded by a newer push (bbbbbbb)");
  });

  it("a newer push signals the active job to cancel", async () => {
    const x = await harness();
    await x.deliver(
      "pull_request",
      pullRequest("opened", {
        "pull_request.head.sha": SHA_A,
        "pull_request.updated_at": "2024-01-01T00:00:00Z",
      }),
    );
    const worker = new Worker(x.config.QUEUE_NAME, null, {
      connection: {
        ...toRedisOptions(x.config.REDIS_URL),
        maxRetriesPerRequest: null,
        enableOfflineQueue: true,
      },
      autorun: false,
    });
    try {
      const active = await worker.getNextJob("test-token");
      expect(active).toBeDefined();
      await x.deliver(
        "pull_request",
        pullRequest("synchronize", {
          "pull_request.head.sha": SHA_B,
          "pull_request.updated_at": "2024-01-01T00:05:00Z",
        }),
      );
      const signal = await x.redis.get(jobCancelKey(active?.id ?? "", x.config.KEY_PREFIX));
      expect(signal).toContain("Superseded");
      expect(x.gh.checkRuns.get((active?.data as BenchmarkJob).checkRunId ?? -1)?.conclusion).toBe(
        "cancelled",
      );
    } finally {
      await worker.close(true);
    }
  });

  it("ignores a delivery older than the run it would replace (out of order)", async () => {
    const x = await harness();
    await x.deliver(
      "pull_request",
      pullRequest("synchronize", {
        "pull_request.head.sha": SHA_B,
        "pull_request.updated_at": "2024-01-01T00:05:00Z",
      }),
    );
    const late = await x.deliver(
      "pull_request",
      pullRequest("opened", {
        "pull_request.head.sha": SHA_A,
        "pull_request.updated_at": "2024-01-01T00:00:00Z",
      }),
    );
    expect(await late.json()).toMatchObject({
      result: "ignored",
      reason: expect.stringContaining("stale") as string,
    });
    expect((await jobs(x)).map((j) => j.commit.sha)).toEqual([SHA_B]);
  });

  it("never runs a fork PR by itself: the check asks a writer for /benchmark", async () => {
    const x = await harness();
    const res = await x.deliver(
      "pull_request",
      pullRequest("opened", { "pull_request.head.repo.full_name": "evil/Hello-World" }),
    );
    expect(await res.json()).toMatchObject({ result: "waiting" });
    expect(await jobs(x)).toHaveLength(0);
    const [check] = [...x.gh.checkRuns.values()];
    expect(check).toMatchObject({ status: "completed", conclusion: "action_required" });
    expect(JSON.stringify(check?.output)).toContain("/benchmark");
  });
});

describe("issue_comment /benchmark", () => {
  function withPull(x: Harness, headRepo = REPO): void {
    x.gh.addPullRequest(REPO, {
      number: 1,
      headSha: SHA_A,
      headRepoFullName: headRepo,
      baseSha: SHA_B,
    });
  }

  it("an OWNER's command runs with its options, acknowledged by 👀, without asking permission", async () => {
    const x = await harness();
    withPull(x);
    const res = await x.deliver(
      "issue_comment",
      comment("/benchmark full confirm 6 --iterations 7 --skip-communication --compare v1.2"),
    );
    expect(res.status).toBe(202);
    const [job] = await jobs(x);
    expect(job).toMatchObject({
      trigger: "comment",
      commit: { sha: SHA_A },
      suite: {
        quick: false,
        quickExplicit: true,
        iterations: 7,
        skipCommunication: true,
        compareRef: "v1.2",
        confirm: { pairs: 6 },
      },
      pullRequest: { number: 1, baseSha: SHA_B, fromFork: false },
      requestedBy: "Codertocat",
    });
    expect(x.gh.reactions.map((r) => r.content)).toEqual(["eyes"]);
    expect(x.gh.requestsFor("repos/get-collaborator-permission-level")).toHaveLength(0);
  });

  it("asks the API for a CONTRIBUTOR, who may be a real writer", async () => {
    const x = await harness();
    withPull(x);
    x.gh.setPermission(REPO, "privatemember", "maintain");
    await x.deliver("issue_comment", comment("/benchmark", "CONTRIBUTOR", "privatemember"));
    expect(x.gh.requestsFor("repos/get-collaborator-permission-level")).toHaveLength(1);
    expect(await jobs(x)).toHaveLength(1);
  });

  it.each(["read", "triage", "none"] as const)(
    "refuses a user with %s permission, with a reply",
    async (level) => {
      const x = await harness();
      withPull(x);
      x.gh.setPermission(REPO, "visitor", level);
      const res = await x.deliver(
        "issue_comment",
        comment("/benchmark quick", "COLLABORATOR", "visitor"),
      );
      expect(await res.json()).toMatchObject({ result: "refused" });
      expect(await jobs(x)).toHaveLength(0);
      const [reply] = [...x.gh.comments.values()];
      expect(reply?.body).toContain("write, maintain or admin");
    },
  );

  it.each([
    ["/benchmark --frobnicate", "`--frobnicate`"],
    ["/benchmark --iterations lots", "`--iterations`"],
    ["/benchmark quick full", "`quick` and `full`"],
    ["/benchmark --compare", "`--compare`"],
  ])("replies naming the bad option of %j and queues nothing", async (body, named) => {
    const x = await harness();
    withPull(x);
    const res = await x.deliver("issue_comment", comment(body));
    expect(await res.json()).toMatchObject({ result: "refused" });
    expect(await jobs(x)).toHaveLength(0);
    expect([...x.gh.comments.values()][0]?.body).toContain(named);
  });

  it("answers help with the usage", async () => {
    const x = await harness();
    await x.deliver("issue_comment", comment("/benchmark help"));
    expect([...x.gh.comments.values()][0]?.body).toContain("--skip-communication");
    expect(await jobs(x)).toHaveLength(0);
  });

  it("leaves ordinary comments and issue comments alone", async () => {
    const x = await harness();
    await x.deliver("issue_comment", comment("we should /benchmark this later"));
    const onIssue = comment("/benchmark");
    delete (onIssue.issue as Record<string, unknown>).pull_request;
    await x.deliver("issue_comment", onIssue);
    expect(x.gh.requests).toHaveLength(0);
    expect(await jobs(x)).toHaveLength(0);
  });

  it("a writer's command runs a fork PR, marked as from a fork", async () => {
    const x = await harness();
    withPull(x, "contributor/Hello-World");
    await x.deliver("issue_comment", comment("/benchmark"));
    expect((await jobs(x))[0]?.pullRequest?.fromFork).toBe(true);
  });

  it("answers 502 and keeps the delivery redeliverable when GitHub cannot say who may run", async () => {
    const x = await harness({ env: { GITHUB_RETRIES: "0" } });
    withPull(x);
    x.gh.setPermission(REPO, "someone", "write");
    const deliveryId = randomUUID();
    const body = comment("/benchmark", "CONTRIBUTOR", "someone");
    x.gh.setDown(true);
    expect((await x.deliver("issue_comment", body, { deliveryId })).status).toBe(502);
    x.gh.setDown(false);
    expect((await x.deliver("issue_comment", body, { deliveryId })).status).toBe(202);
    expect(await jobs(x)).toHaveLength(1);
  });
});

describe("check_run", () => {
  function checkRun(action: string, identifier?: string): Record<string, unknown> {
    const p = loadExample("check_run", action);
    setPath(p, "installation.id", INSTALLATION_ID);
    setPath(p, "repository.full_name", REPO);
    setPath(p, "check_run.app.id", h?.gh.appId);
    setPath(p, "sender.login", "maintainer");
    if (identifier !== undefined) setPath(p, "requested_action", { identifier });
    return p;
  }

  it("rerequested queues a rerun of the same commit for a writer", async () => {
    const x = await harness();
    x.gh.setPermission(REPO, "maintainer", "write");
    expect((await x.deliver("check_run", checkRun("rerequested"))).status).toBe(202);
    expect((await jobs(x))[0]).toMatchObject({
      trigger: "rerun",
      commit: { sha: "d6fde92930d4715a2b49857d24b940956b26d2d3" },
    });
  });

  it.each([
    ["rerun-full", false],
    ["rerun-quick", true],
  ])("requested_action %s sets the suite mode", async (identifier, quick) => {
    const x = await harness();
    x.gh.setPermission(REPO, "maintainer", "admin");
    await x.deliver("check_run", checkRun("requested_action", identifier));
    expect((await jobs(x))[0]?.suite).toMatchObject({ quick, quickExplicit: true });
  });

  it("ignores other apps' checks, unknown buttons and readers", async () => {
    const x = await harness();
    const foreign = checkRun("rerequested");
    setPath(foreign, "check_run.app.id", 999_999);
    await x.deliver("check_run", foreign);
    await x.deliver("check_run", checkRun("requested_action", "lgtm"));
    const refused = await x.deliver("check_run", checkRun("rerequested"));
    expect(await refused.json()).toMatchObject({ result: "refused" });
    expect(await jobs(x)).toHaveLength(0);
  });
});

describe("push and deployment_protection_rule", () => {
  it("a push to the default branch queues a baseline; a tag push does not", async () => {
    const x = await harness();
    const push = loadExample("push");
    setPath(push, "installation.id", INSTALLATION_ID);
    setPath(push, "ref", "refs/heads/master");
    setPath(push, "deleted", false);
    setPath(push, "after", SHA_A);
    await x.deliver("push", push);
    const tag = structuredClone(push);
    setPath(tag, "ref", "refs/tags/v1");
    const res = await x.deliver("push", tag);
    expect(await res.json()).toMatchObject({ result: "ignored" });
    const all = await jobs(x);
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({
      trigger: "push",
      commit: { sha: SHA_A, ref: "refs/heads/master" },
    });
  });

  it("a deployment protection rule queues a gate job with its callback", async () => {
    const x = await harness();
    const base = loadExample("push");
    const event = {
      action: "requested",
      environment: "production",
      event: "push",
      sha: SHA_B,
      ref: "refs/heads/master",
      deployment_callback_url: `https://api.github.com/repos/${REPO}/actions/runs/4242/deployment_protection_rule`,
      deployment: { sha: SHA_B, ref: "master", id: 1, environment: "production" },
      repository: base.repository,
      sender: base.sender,
      installation: { id: INSTALLATION_ID },
    };
    expect((await x.deliver("deployment_protection_rule", event)).status).toBe(202);
    const [job] = await jobs(x);
    expect(job).toMatchObject({
      trigger: "deployment_gate",
      commit: { sha: SHA_B },
      deployment: {
        environment: "production",
        runId: 4242,
        callbackUrl: event.deployment_callback_url,
      },
    });
    expect(x.gh.checkRuns.get(job?.checkRunId ?? -1)?.name).toBe("mlxbench gate: production");
  });
});

describe("failures", () => {
  it("Redis down: 503 and nothing done", async () => {
    const x = await harness({ redisUrl: CLOSED_REDIS });
    const res = await x.deliver("pull_request", pullRequest("opened"));
    expect(res.status).toBe(503);
    expect(x.gh.requests).toHaveLength(0);
    expect((await x.app.request("/healthz")).status).toBe(503);
  });

  it("queue unreachable after the check run: 503, check concluded, delivery redeliverable", async () => {
    const x = await harness({ queueRedisUrl: CLOSED_REDIS, env: { QUEUE_TIMEOUT_MS: "300" } });
    const deliveryId = randomUUID();
    const res = await x.deliver("pull_request", pullRequest("opened"), { deliveryId });
    expect(res.status).toBe(503);
    const [check] = [...x.gh.checkRuns.values()];
    expect(check?.conclusion).toBe("cancelled");
    expect(await x.redis.exists(`${x.config.KEY_PREFIX}delivery:${deliveryId}`)).toBe(0);
  });

  it("GitHub down: the job is still queued, without a check run id", async () => {
    const x = await harness();
    x.gh.setDown(true);
    expect((await x.deliver("pull_request", pullRequest("opened"))).status).toBe(202);
    const [job] = await jobs(x);
    expect(job).toBeDefined();
    expect(job?.checkRunId).toBeUndefined();
  });

  it("GitHub failing once: the retry creates the check run", async () => {
    const x = await harness();
    x.gh.failNext(1, 502);
    await x.deliver("pull_request", pullRequest("opened"));
    expect((await jobs(x))[0]?.checkRunId).toBeGreaterThan(0);
  });

  it("an event without installation, or for a removed one, queues nothing", async () => {
    const x = await harness();
    const none = pullRequest("opened");
    delete none.installation;
    expect(await (await x.deliver("pull_request", none)).json()).toMatchObject({
      result: "ignored",
    });
    const gone = pullRequest("opened", { "installation.id": 987_654 });
    const res = await x.deliver("pull_request", gone);
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({
      result: "ignored",
      reason: expect.stringContaining("not installed") as string,
    });
    expect(await jobs(x)).toHaveLength(0);
  });
});

describe("bad input", () => {
  it.each([
    ["a wrong signature", "sha256=" + "0".repeat(64)],
    ["no signature", null],
    ["a sha1 signature", "sha1=abc"],
  ])("answers 401 to %s, without detail", async (_name, signature) => {
    const x = await harness();
    const res = await x.deliver("pull_request", pullRequest("opened"), { signature });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: "invalid signature" });
    expect(await jobs(x)).toHaveLength(0);
  });

  it("accepts the old secret during rotation, rejects an unknown one", async () => {
    const x = await harness();
    expect(
      (await x.deliver("pull_request", pullRequest("opened"), { secret: "old-secret" })).status,
    ).toBe(202);
    expect(
      (await x.deliver("pull_request", pullRequest("opened"), { secret: "other" })).status,
    ).toBe(401);
  });

  it("answers 400 to malformed JSON and to a payload missing what it needs", async () => {
    const x = await harness();
    const bad = await x.deliver("pull_request", undefined, { rawBody: "{not json" });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: "body is not valid JSON" });
    const shapeless = pullRequest("opened");
    delete (shapeless.pull_request as Record<string, unknown>).head;
    const res = await x.deliver("pull_request", shapeless);
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toContain("pull_request.head");
  });

  it("answers 413 beyond 25 MB", async () => {
    const x = await harness();
    const res = await x.deliver("pull_request", undefined, {
      rawBody: "x".repeat(25 * 1024 * 1024 + 1),
      signature: null,
    });
    expect(res.status).toBe(413);
  });

  it("healthz reports Redis", async () => {
    const x = await harness();
    expect(await (await x.app.request("/healthz")).json()).toEqual({ ok: true, redis: "ok" });
  });
});
