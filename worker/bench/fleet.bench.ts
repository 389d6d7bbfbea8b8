// npm run bench:fleet — a burst of deliveries from several repositories onto 4 pools × 2 runners
// (stand-in runners in child processes over real Redis and BullMQ; seeded job lengths and
// arrivals), once with the fleet's priorities and per-repository fair tags and once plain FCFS.
// fairness = max over repositories of (share of the total wait / share of the jobs).
import { randomUUID } from "node:crypto";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { createMulberry32, poolQueueName } from "@mlxbench/proto";
import { enqueuePoolJobs } from "@mlxbench/service";
import { workerRedisOptions } from "../src/queue/index.js";
import {
  clearFleet,
  fleetJob,
  readEvents,
  startRunner,
  tally,
  type FleetEnv,
} from "../test/fleet/fleet-harness.js";
import { standInKeys } from "../test/fleet/stand-in-keys.js";

const REDIS = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const POOLS = ["m2-ultra-3x", "m4-max-2x", "m3-ultra-2x", "nightly"];
const RUNNERS_PER_POOL = 2;
const DELIVERIES = Number(process.env.BENCH_DELIVERIES ?? 200);
// Four busy repositories and one quiet one (a delivery in 25).
const REPOS = ["acme/busy-1", "acme/busy-2", "acme/busy-3", "acme/busy-4", "other/quiet"];
const SEED = Number(process.env.BENCH_SEED ?? 17);

interface Planned {
  jobId: string;
  repo: string;
  labels: string[];
  at: number;
}

function plan(): { deliveries: Planned[]; durations: Map<string, number> } {
  const rand = createMulberry32(SEED);
  const deliveries: Planned[] = [];
  const durations = new Map<string, number>();
  let at = 0;
  for (let i = 0; i < DELIVERIES; i++) {
    const repo = i % 25 === 12 ? "other/quiet" : (REPOS[Math.floor(rand() * 4)] ?? "acme/busy-1");
    const n = 1 + Math.floor(rand() * 3);
    const labels = [...POOLS].sort(() => rand() - 0.5).slice(0, n);
    at += rand() * 40; // a burst: 200 deliveries in about 4 s
    deliveries.push({ jobId: `d${i}`, repo, labels, at });
    for (const l of labels) durations.set(`d${i}.${l}`, 60 + Math.round(rand() * 180));
  }
  return { deliveries, durations };
}

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
};

async function runMode(prioritize: boolean) {
  const id = randomUUID();
  const env: FleetEnv = {
    queueName: `bench-${id}`,
    keyPrefix: `bench-${id}:`,
    beatMs: 500,
    lockMs: 5000,
  };
  const redis = new Redis(REDIS, { maxRetriesPerRequest: 3 });
  const queues = new Map(
    POOLS.map((l) => [
      l,
      new Queue(poolQueueName(env.queueName, l), { connection: workerRedisOptions(REDIS) }),
    ]),
  );
  const { deliveries, durations } = plan();
  await redis.hset(standInKeys(env.keyPrefix).durations, Object.fromEntries(durations));
  const runners = await Promise.all(
    POOLS.flatMap((l) =>
      Array.from({ length: RUNNERS_PER_POOL }, (_, i) =>
        startRunner(env, { id: `${l}-r${i}`, labels: [l] }),
      ),
    ),
  );
  const enqueuedAt = new Map<string, { t: number; repo: string }>();
  const t0 = Date.now();
  for (const d of deliveries) {
    const wait = t0 + d.at - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const out = await enqueuePoolJobs({
      redis,
      keyPrefix: env.keyPrefix,
      queueFor: (l) => queues.get(l) as Queue,
      octokit: null,
      checkName: "mlxbench",
      job: fleetJob(d.jobId, d.repo, "a".repeat(40)),
      labels: d.labels,
      origin: "push",
      now: Date.now,
      prioritize,
    });
    for (const o of out)
      if (o.status === "queued") enqueuedAt.set(o.jobId, { t: Date.now(), repo: d.repo });
  }
  const expected = enqueuedAt.size;
  for (;;) {
    const { done } = tally(await readEvents(redis, env.keyPrefix));
    if (done.size >= expected || Date.now() - t0 > 600_000) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const events = await readEvents(redis, env.keyPrefix);
  const { done, overlaps } = tally(events);
  const lost = [...enqueuedAt.keys()].filter((j) => !done.has(j)).length;
  const doubled = [...done.values()].filter((runs) => runs.length > 1).length + overlaps.length;
  // Most jobs running at once, from the start/done timeline.
  let running = 0;
  let maxParallel = 0;
  const timeline = events
    .filter((e) => e.ev === "start" || e.ev === "done")
    .sort((a, b) => a.t - b.t || (a.ev === "done" ? -1 : 1));
  for (const e of timeline) {
    running += e.ev === "start" ? 1 : -1;
    maxParallel = Math.max(maxParallel, running);
  }
  const waits = new Map<string, number[]>();
  for (const e of events.filter((x) => x.ev === "start")) {
    const q = enqueuedAt.get(e.jobId);
    if (!q) continue;
    waits.set(q.repo, [...(waits.get(q.repo) ?? []), Math.max(0, e.t - q.t) / 1000]);
  }
  const all = [...waits.values()].flat();
  const totalWait = all.reduce((a, b) => a + b, 0);
  const fairness = Math.max(
    ...[...waits.values()].map(
      (w) => w.reduce((a, b) => a + b, 0) / totalWait / (w.length / all.length),
    ),
  );
  await Promise.all(runners.map((r) => r.stop()));
  await clearFleet(queues.values(), redis, env.keyPrefix);
  redis.disconnect();
  return {
    jobs: expected,
    lost,
    doubled,
    maxParallel,
    p95: quantile(all, 0.95),
    quietP95: quantile(waits.get("other/quiet") ?? [], 0.95),
    fairness,
  };
}

const fleet = await runMode(true);
const fcfs = await runMode(false);
const f2 = (x: number) => x.toFixed(2);
console.log(`fleet: ${JSON.stringify(fleet)}`);
console.log(`fcfs:  ${JSON.stringify(fcfs)}`);
console.log(
  `RESULT pools=${POOLS.length} runners=${POOLS.length * RUNNERS_PER_POOL} jobs=${fleet.jobs} ` +
    `lost=${fleet.lost + fcfs.lost} doubled=${fleet.doubled + fcfs.doubled} max_parallel=${fleet.maxParallel} ` +
    `p95_wait_s=${f2(fleet.p95)} fairness=${f2(fleet.fairness)} quiet_p95_wait_s=${f2(fleet.quietP95)} ` +
    `fcfs_quiet_p95_wait_s=${f2(fcfs.quietP95)} fcfs_p95_wait_s=${f2(fcfs.p95)} fcfs_fairness=${f2(fcfs.fairness)}`,
);
