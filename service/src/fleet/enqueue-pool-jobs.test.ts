import { randomUUID } from "node:crypto";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGitHubDouble, type GitHubDouble } from "@mlxbench/sim/github";
import { poolLastSeenKey, poolQueueName, runnerKey, type RunnerHeartbeat } from "@mlxbench/proto";
import { toRedisOptions } from "../app/index.js";
import { createGitHubClientFactory, type GitHubClient } from "../github/index.js";
import {
  createFleetRoutes,
  createRunsOnCache,
  enqueuePoolJobs,
  readFleet,
  readRunsOn,
} from "./index.js";

const REPO = "octo/fleet";
const SHA = "a".repeat(40);
const id = randomUUID();
const prefix = `test-${id}:`;
const base = `test-${id}`;
let gh: GitHubDouble;
let octokit: GitHubClient;
let redis: Redis;
const queues = new Map<string, Queue>();
const queueFor = (label: string): Queue => {
  const q =
    queues.get(label) ??
    new Queue(poolQueueName(base, label), { connection: toRedisOptions("redis://127.0.0.1:6379") });
  queues.set(label, q);
  return q;
};
const HOUR = 3600_000;
const NOW = Date.parse("2026-12-06T12:00:00Z");

beforeAll(async () => {
  gh = await createGitHubDouble();
  gh.addInstallation(1, [REPO]);
  octokit = createGitHubClientFactory({
    appId: gh.appId,
    privateKey: gh.privateKey,
    baseUrl: gh.url,
    log: pino({ level: "silent" }),
    retries: 0,
  })(1);
  redis = new Redis("redis://127.0.0.1:6379", { maxRetriesPerRequest: 1 });
  // m2-ultra-3x has a live runner; m4-max-2x was last seen two hours ago.
  const live: RunnerHeartbeat = {
    runnerId: "mac-1",
    labels: ["m2-ultra-3x"],
    fingerprint: "fp-1",
    at: NOW,
    beatMs: 10_000,
    currentJob: null,
  };
  await redis.set(runnerKey(prefix, "mac-1"), JSON.stringify(live), "PX", 60_000);
  await redis.hset(poolLastSeenKey(prefix), { "m2-ultra-3x": NOW, "m4-max-2x": NOW - 2 * HOUR });
});
afterAll(async () => {
  for (const q of queues.values()) {
    await q.obliterate({ force: true });
    await q.close();
  }
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
  await gh.close();
});

describe("runs-on from the repository", () => {
  it("reads the labels at the commit through the contents API, once per blob", async () => {
    gh.setContent(REPO, ".mlxbench.yml", "runs-on: [m2-ultra-3x, m4-max-2x]\n", SHA);
    const cache = createRunsOnCache();
    const repo = { owner: "octo", name: "fleet" };
    expect(await readRunsOn(octokit, repo, SHA, cache)).toEqual(["m2-ultra-3x", "m4-max-2x"]);
    expect(await readRunsOn(octokit, repo, SHA, cache)).toEqual(["m2-ultra-3x", "m4-max-2x"]);
    expect(gh.requestsFor("repos/get-content")).toHaveLength(1);
    expect(gh.violations).toEqual([]);
  });

  it("answers the default pool without a config, and names the key of a bad one", async () => {
    const cache = createRunsOnCache();
    const repo = { owner: "octo", name: "fleet" };
    expect(await readRunsOn(octokit, repo, "b".repeat(40), cache)).toEqual(["default"]);
    gh.setContent(REPO, ".mlxbench.yml", "runs-on: m2 ultra\n", "c".repeat(40));
    await expect(readRunsOn(octokit, repo, "c".repeat(40), cache)).rejects.toThrow(
      /runs-on.*no spaces or shell characters/,
    );
  });
});

describe("one check run and job per pool", () => {
  it("queues per pool, says when a pool has no runner, and names an unknown label", async () => {
    const job = {
      schemaVersion: 1 as const,
      jobId: "pr-9",
      installationId: 1,
      repository: { fullName: REPO, cloneUrl: "x", defaultBranch: "main", private: false },
      commit: { sha: SHA },
      trigger: "pull_request" as const,
      pullRequest: { number: 9, fromFork: false },
      suite: { quick: true, skipValidation: false, skipCommunication: false },
      requestedBy: "octocat",
      queuedAt: new Date(NOW).toISOString(),
    };
    const out = await enqueuePoolJobs({
      redis,
      keyPrefix: prefix,
      queueFor,
      octokit,
      checkName: "mlxbench",
      job,
      labels: ["m2-ultra-3x", "m4-max-2x", "m5-typo"],
      origin: "push",
      now: () => NOW,
    });
    expect(out.map((o) => [o.label, o.status])).toEqual([
      ["m5-typo", "unknown-label"],
      ["m2-ultra-3x", "queued"],
      ["m4-max-2x", "queued"],
    ]);
    const checks = [...gh.checkRuns.values()];
    const byName = (n: string) => checks.find((c) => c.name === n);
    expect(byName("mlxbench / m2-ultra-3x")).toMatchObject({ status: "queued" });
    expect(byName("mlxbench / m4-max-2x")?.output).toMatchObject({
      title: "Waiting for a runner labelled m4-max-2x",
      summary: expect.stringContaining("last seen 2 h ago") as unknown,
    });
    expect(byName("mlxbench / m5-typo")).toMatchObject({
      status: "completed",
      conclusion: "neutral",
    });
    expect(JSON.stringify(byName("mlxbench / m5-typo")?.output)).toContain(
      "`m2-ultra-3x`, `m4-max-2x`",
    );
    const queued = await queueFor("m4-max-2x").getJob("pr-9.m4-max-2x");
    expect(queued?.opts.priority).toBe(1000);
    expect(queued?.data).toMatchObject({
      pool: "m4-max-2x",
      checkRunId: byName("mlxbench / m4-max-2x")?.id,
    });
    expect(gh.violations).toEqual([]);

    const fleet = await readFleet({ redis, keyPrefix: prefix, queueFor, now: () => NOW });
    const routes = createFleetRoutes({ redis, keyPrefix: prefix, queueFor, now: () => NOW });
    const json = (await (await routes.request("/fleet.json")).json()) as typeof fleet;
    expect(json.runners.map((r) => r.runnerId)).toEqual(["mac-1"]);
    const page = await (await routes.request("/fleet")).text();
    expect(page).toContain("<code>m4-max-2x</code>");
    expect(page).toContain("2 h ago");
    expect(fleet.pools).toMatchObject([
      { label: "m2-ultra-3x", runnersOnline: 1, waiting: 1 },
      { label: "m4-max-2x", runnersOnline: 0, waiting: 1, lastSeen: NOW - 2 * HOUR },
    ]);
  });
});
