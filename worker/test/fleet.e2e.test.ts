// Issue 17: two pools, several runners (child processes with a stand-in job body), real Redis and
// BullMQ. Nothing is lost or run twice, claims are exclusive, a newer push supersedes across pools.
import { randomUUID } from "node:crypto";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { poolQueueName } from "@mlxbench/proto";
import { enqueuePoolJobs, readFleet } from "@mlxbench/service";
import { claimCluster, ClusterClaimedError, workerRedisOptions } from "../src/queue/index.js";
import { waitFor } from "./e2e-helpers.js";
import {
  clearFleet,
  fleetJob,
  readEvents,
  startRunner,
  tally,
  type FleetEnv,
  type RunnerProcess,
} from "./fleet/fleet-harness.js";
import { standInKeys } from "./fleet/stand-in-keys.js";

const id = randomUUID();
const env: FleetEnv = {
  queueName: `test-${id}`,
  keyPrefix: `test-${id}:`,
  // A runner's claim lives 3 beats: at 300 ms a runner late by 0.9 s under load lost it, and an
  // intruder took the claimed cluster (seen once at load average 5-10).
  beatMs: 1000,
  lockMs: 1000,
};
const REDIS = "redis://127.0.0.1:6379";
const sha = (c: string) => c.repeat(40);
let redis: Redis;
const queues = new Map<string, Queue>();
const runners: RunnerProcess[] = [];
const queueFor = (label: string): Queue => {
  let q = queues.get(label);
  if (!q) {
    q = new Queue(poolQueueName(env.queueName, label), { connection: workerRedisOptions(REDIS) });
    queues.set(label, q);
  }
  return q;
};
const enqueue = (jobId: string, labels: string[], s: string, pr?: number) =>
  enqueuePoolJobs({
    redis,
    keyPrefix: env.keyPrefix,
    queueFor,
    octokit: null,
    checkName: "mlxbench",
    job: fleetJob(jobId, "octo/hello", s, pr),
    labels,
    origin: "push",
    now: Date.now,
  });
const setDuration = (jobId: string, ms: number) =>
  redis.hset(standInKeys(env.keyPrefix).durations, jobId, ms);
const spawnRunner = async (spec: Parameters<typeof startRunner>[1]) => {
  const r = await startRunner(env, spec);
  runners.push(r);
  return r;
};
const doneOf = async (jobId: string) =>
  tally(await readEvents(redis, env.keyPrefix)).done.get(jobId);

beforeAll(async () => {
  redis = new Redis(REDIS, { maxRetriesPerRequest: 1 });
  await Promise.all([
    spawnRunner({ id: "a1", labels: ["pool-a"] }),
    spawnRunner({ id: "a2", labels: ["pool-a"] }),
    spawnRunner({ id: "b1", labels: ["pool-b"] }),
  ]);
}, 60_000);

afterAll(async () => {
  await Promise.all(runners.filter((r) => r.child.exitCode === null).map((r) => r.kill()));
  await clearFleet(queues.values(), redis, env.keyPrefix);
  redis.disconnect();
});

describe("a fleet of two pools", () => {
  it("runs a matrix PR's two jobs in parallel, each on a runner of its pool", async () => {
    await setDuration("matrix.pool-a", 1500);
    await setDuration("matrix.pool-b", 1500);
    const out = await enqueue("matrix", ["pool-a", "pool-b"], sha("a"), 1);
    expect(out.map((o) => o.status)).toEqual(["queued", "queued"]);
    const a = await waitFor("pool-a's job", () => doneOf("matrix.pool-a"), 30_000);
    const b = await waitFor("pool-b's job", () => doneOf("matrix.pool-b"), 30_000);
    expect(["a1", "a2"]).toContain(a[0]?.runnerId);
    expect(b[0]?.runnerId).toBe("b1");
    const starts = (await readEvents(redis, env.keyPrefix)).filter((e) => e.ev === "start");
    const startA = starts.find((e) => e.jobId === "matrix.pool-a")?.t ?? Infinity;
    const startB = starts.find((e) => e.jobId === "matrix.pool-b")?.t ?? Infinity;
    // Each started before the other finished: they ran at the same time.
    expect(startA).toBeLessThan(b[0]?.t ?? 0);
    expect(startB).toBeLessThan(a[0]?.t ?? 0);
  }, 60_000);

  it("refuses a second runner on a claimed cluster, naming the holder", async () => {
    await expect(
      claimCluster({
        redis,
        keyPrefix: env.keyPrefix,
        fingerprint: "a1",
        runnerId: "x",
        ttlMs: 5000,
      }),
    ).rejects.toThrow(ClusterClaimedError);
    await expect(
      spawnRunner({ id: "intruder", labels: ["pool-a"], fingerprint: "a1" }),
    ).rejects.toThrow(/ClusterClaimedError: cluster a1 is already driven by runner "a1"/);
  }, 30_000);

  it("holds a job for a pool whose runner stopped, says so, and runs it when the runner returns", async () => {
    const b1 = runners.find((r) => r.id === "b1");
    await b1?.stop();
    const [out] = await enqueue("offline", ["pool-b"], sha("b"));
    expect(out).toMatchObject({ status: "queued", waitingForRunner: true });
    const fleet = await readFleet({ redis, keyPrefix: env.keyPrefix, queueFor, now: Date.now });
    expect(fleet.pools.find((p) => p.label === "pool-b")).toMatchObject({
      runnersOnline: 0,
      waiting: 1,
    });
    await spawnRunner({ id: "b1", labels: ["pool-b"] });
    const done = await waitFor("the held job", () => doneOf("offline.pool-b"), 30_000);
    expect(done).toHaveLength(1);
  }, 60_000);

  it("names an unknown label in a neutral outcome instead of queueing", async () => {
    const out = await enqueue("typo", ["pool-c"], sha("c"));
    expect(out).toEqual([{ label: "pool-c", status: "unknown-label", checkRunId: null }]);
    expect(await queueFor("pool-c").getJobCounts()).toMatchObject({ waiting: 0, prioritized: 0 });
  });

  it("retries a killed runner's job on the other runner of its pool, once", async () => {
    await setDuration("killed.pool-a", 3000);
    await enqueue("killed", ["pool-a"], sha("d"));
    const started = await waitFor("the long job to start", async () =>
      (await readEvents(redis, env.keyPrefix)).find(
        (e) => e.ev === "start" && e.jobId === "killed.pool-a",
      ),
    );
    const victim = runners.find((r) => r.id === started.runnerId && r.child.exitCode === null);
    await victim?.kill();
    // The stand-in's active count of the dead runner's cluster is left as it died; clear it.
    await redis.del(standInKeys(env.keyPrefix).active(started.runnerId));
    const done = await waitFor("the retried job", () => doneOf("killed.pool-a"), 45_000);
    expect(done).toHaveLength(1);
    expect(done[0]?.runnerId).not.toBe(started.runnerId);
    await spawnRunner({ id: started.runnerId, labels: ["pool-a"] }).catch(() => undefined);
  }, 90_000);

  it("supersedes an older push's jobs in every pool, running and waiting", async () => {
    for (const j of ["old.pool-a", "old.pool-b"]) await setDuration(j, 4000);
    await enqueue("old", ["pool-a", "pool-b"], sha("e"), 7);
    await waitFor("an old job to start", async () =>
      (await readEvents(redis, env.keyPrefix)).find(
        (e) => e.ev === "start" && e.jobId.startsWith("old."),
      ),
    );
    await enqueue("new", ["pool-a", "pool-b"], sha("f"), 7);
    await waitFor("new.pool-a", () => doneOf("new.pool-a"), 30_000);
    await waitFor("new.pool-b", () => doneOf("new.pool-b"), 30_000);
    const events = await readEvents(redis, env.keyPrefix);
    expect(events.filter((e) => e.jobId.startsWith("old.") && e.ev === "done")).toEqual([]);
    expect(events.some((e) => e.jobId.startsWith("old.") && e.ev === "cancelled")).toBe(true);
  }, 60_000);

  it("lost nothing and ran nothing twice", async () => {
    const { done, overlaps } = tally(await readEvents(redis, env.keyPrefix));
    expect(overlaps).toEqual([]);
    expect([...done.keys()].sort()).toEqual([
      "killed.pool-a",
      "matrix.pool-a",
      "matrix.pool-b",
      "new.pool-a",
      "new.pool-b",
      "offline.pool-b",
    ]);
    for (const [, runs] of done) expect(runs).toHaveLength(1);
  });
});
