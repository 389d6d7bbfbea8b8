// npm run bench:webhooks: the Node service (child process) under signed pull_request
// deliveries from a second process, against a bare Hono route under the same load.
// BENCH_BASELINE_MAIN=<another checkout>/service/src/main.ts also runs that build in the same
// session (before/after on the same machine state); BENCH_CPU_PROF_DIR=<dir> writes V8 CPU
// profiles of the service child.
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync, mkdtempSync } from "node:fs";
import { tmpdir, loadavg } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { createGitHubDouble } from "@mlxbench/sim/github";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
// Installations the deliveries rotate over: tokens are per installation, and writes are paced
// per installation (plugin-throttling), as with a real multi-repository App.
const POOL = Number(process.env.BENCH_INSTALLATIONS ?? 200);
const SECRET = "bench-secret";
// Another build's main.ts (e.g. the previous commit extracted elsewhere), run in the same
// session so before/after figures share the machine's state.
const BASELINE_MAIN = process.env.BENCH_BASELINE_MAIN;
// Where the service child writes V8 CPU profiles (node --cpu-prof), when set.
const CPU_PROF_DIR = process.env.BENCH_CPU_PROF_DIR;
const here = fileURLToPath(new URL(".", import.meta.url));
const tsx = join(here, "..", "..", "node_modules", ".bin", "tsx");

interface DriveResult {
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  timeouts: number;
  statuses: Record<string, number>;
  accepted: number;
  seconds: number;
}

function startServer(
  script: string,
  env: Record<string, string>,
  nodeFlags: string[] = [],
): Promise<{ child: ChildProcess; port: number }> {
  // node itself (not the tsx wrapper), so V8 flags such as --cpu-prof reach the server.
  const child = spawn(process.execPath, [...nodeFlags, "--import", "tsx", script], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let buffer = "";
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString();
      const listening = /LISTENING (\d+)|"port":(\d+)[^\n]*listening/.exec(buffer);
      if (!listening) return;
      // From here on the logs are drained unread: keeping and rescanning them cost this process
      // (which also hosts the GitHub double) CPU that grew with every delivery.
      child.stdout?.off("data", onData);
      child.stdout?.resume();
      buffer = "";
      resolve({ child, port: Number(listening[1] ?? listening[2]) });
    };
    child.stdout?.on("data", onData);
    child.once("exit", (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

let nextPr = 1;

function drive(url: string, seconds: number, outFile: string): Promise<DriveResult> {
  const firstPr = nextPr;
  nextPr += 1_000_000;
  const args = [
    url,
    String(seconds),
    String(CONNECTIONS),
    SECRET,
    String(POOL),
    outFile,
    String(firstPr),
  ];
  const child = spawn(tsx, [join(here, "drive-deliveries.ts"), ...args], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  child.stdout.on("data", (c: Buffer) => (out += c.toString()));
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => {
      const line = out.split("\n").find((l) => l.startsWith("DRIVE "));
      if (code !== 0 || !line) reject(new Error(`driver failed (${code}): ${out}`));
      else resolve(JSON.parse(line.slice(6)) as DriveResult);
    });
  });
}

const stop = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });

const gh = await createGitHubDouble();
for (let k = 0; k < POOL; k++) gh.addInstallation(k + 1, [`bench/repo-${k}`]);
const dir = mkdtempSync(join(tmpdir(), "mlxbench-bench-"));

console.log(
  `load average before: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")} (2 cores, shared)`,
);
const bare = await startServer(join(here, "bare-hono-server.ts"), { PORT: "0" });
await drive(`http://127.0.0.1:${bare.port}`, 2, "");
const bareRun = await drive(`http://127.0.0.1:${bare.port}`, SECONDS, "");
await stop(bare.child);
console.log(
  `bare hono:  ${bareRun.rps.toFixed(0)} req/s, p50 ${bareRun.p50} ms, p99 ${bareRun.p99} ms`,
);

const redis = new Redis();

interface ServiceRun {
  run: DriveResult;
  exactlyOnce: boolean;
  violations: number;
  checkRunShare: number;
}

/** Starts one service build on its own queue and key prefix, drives it, and counts jobs in Redis. */
async function benchService(label: string, main: string): Promise<ServiceRun> {
  const id = randomUUID().slice(0, 8);
  const queueName = `bench-${id}`;
  const keyPrefix = `bench-${id}:`;
  const violationsBefore = gh.violations.length;
  const checksBefore = gh.checkRuns.size;
  const service = await startServer(
    main,
    {
      PORT: "0",
      HOST: "127.0.0.1",
      WEBHOOK_SECRET: SECRET,
      GITHUB_APP_ID: String(gh.appId),
      GITHUB_PRIVATE_KEY: gh.privateKey,
      GITHUB_API_URL: gh.url,
      QUEUE_NAME: queueName,
      KEY_PREFIX: keyPrefix,
      PUBLIC_URL: "https://mlxbench.example.com",
      LOG_LEVEL: "info",
    },
    CPU_PROF_DIR === undefined ? [] : ["--cpu-prof", `--cpu-prof-dir=${join(CPU_PROF_DIR, label)}`],
  );
  const warmFile = join(dir, `${label}-warm.json`);
  const runFile = join(dir, `${label}-run.json`);
  // Warm-up long enough that most installations hold a token before the measured run.
  const warm = await drive(`http://127.0.0.1:${service.port}`, 4, warmFile);
  const run = await drive(`http://127.0.0.1:${service.port}`, SECONDS, runFile);
  await stop(service.child);
  console.log(
    `${label}: ${run.rps.toFixed(0)} req/s, ${(run.accepted / run.seconds).toFixed(0)} deliveries/s, p50 ${run.p50} ms, p99 ${run.p99} ms, statuses ${JSON.stringify(run.statuses)}, errors ${run.errors}`,
  );

  // Exactly once: every 202 is one job under its delivery's id, and no job is unaccounted for.
  const queue = new Queue(queueName, { connection: { host: "127.0.0.1", port: 6379 } });
  const files = [warmFile, runFile].map(
    (f) => JSON.parse(readFileSync(f, "utf8")) as { accepted: string[]; sent: string[] },
  );
  const acceptedIds = files.flatMap((f) => f.accepted);
  const sentIds = new Set(files.flatMap((f) => f.sent));
  const jobIds: string[] = [];
  // Jobs the service queued with their check run (the rest get one from the worker later).
  let withCheckRun = 0;
  for (const job of await queue.getJobs(["waiting"], 0, -1)) {
    if (job.id !== undefined) jobIds.push(job.id);
    if ((job.data as { checkRunId?: number }).checkRunId !== undefined) withCheckRun++;
  }
  const perDelivery = new Map<string, number>();
  for (const jobId of jobIds) {
    const delivery = jobId.slice(jobId.indexOf("-", 3) + 1);
    perDelivery.set(delivery, (perDelivery.get(delivery) ?? 0) + 1);
  }
  const lost = acceptedIds.filter((d) => (perDelivery.get(d) ?? 0) === 0).length;
  const doubled = [...perDelivery.values()].filter((n) => n > 1).length;
  const foreign = [...perDelivery.keys()].filter((d) => !sentIds.has(d)).length;
  // Requests still in flight when autocannon stops are processed but their 202 is never read.
  const inFlight = jobIds.length - acceptedIds.length;
  const exactlyOnce =
    lost === 0 && doubled === 0 && foreign === 0 && inFlight >= 0 && inFlight <= 2 * CONNECTIONS;
  const violations = gh.violations.length - violationsBefore;
  console.log(
    `${label}: enqueued ${jobIds.length} jobs for ${acceptedIds.length} accepted deliveries (warm-up ${warm.accepted}); ` +
      `lost ${lost}, doubled ${doubled}, not sent ${foreign}, in flight at stop ${inFlight}; ` +
      `${gh.checkRuns.size - checksBefore} check runs, ${withCheckRun} jobs carry theirs, ${violations} OpenAPI violations`,
  );
  await queue.obliterate({ force: true });
  await queue.close();
  const keys = await redis.keys(`${keyPrefix}*`);
  for (let i = 0; i < keys.length; i += 1000) await redis.del(...keys.slice(i, i + 1000));
  return { run, exactlyOnce, violations, checkRunShare: withCheckRun / Math.max(1, jobIds.length) };
}

const baseline =
  BASELINE_MAIN === undefined ? undefined : await benchService("baseline", BASELINE_MAIN);
const current = await benchService("service", join(here, "..", "src", "main.ts"));
const { run } = current;
console.log(
  `load average after: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`,
);
redis.disconnect();
await gh.close();

const deliveriesPerS = run.accepted / run.seconds;
const baselineExtras =
  baseline === undefined
    ? ""
    : ` baseline_deliveries_per_s=${(baseline.run.accepted / baseline.run.seconds).toFixed(0)} baseline_p99_ms=${baseline.run.p99} baseline_vs_bare_hono=${(baseline.run.rps / bareRun.rps).toFixed(3)} baseline_exactly_once=${baseline.exactlyOnce} baseline_with_check_run=${baseline.checkRunShare.toFixed(3)} baseline_p50_ms=${baseline.run.p50}`;
console.log(
  `RESULT deliveries_per_s=${deliveriesPerS.toFixed(0)} p99_ms=${run.p99} vs_bare_hono=${(run.rps / bareRun.rps).toFixed(3)} exactly_once=${current.exactlyOnce} violations=${current.violations} with_check_run=${current.checkRunShare.toFixed(3)} p50_ms=${run.p50} bare_hono_rps=${bareRun.rps.toFixed(0)} bare_hono_p99_ms=${bareRun.p99}${baselineExtras}`,
);
process.exit(current.exactlyOnce && current.violations === 0 ? 0 : 1);
