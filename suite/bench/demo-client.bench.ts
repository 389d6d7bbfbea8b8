// Is the client the limit of `npm run demo`? The demo's own load (the performance comparison:
// 24 streams, 48 requests per repetition, on the three-device and the one-device reference
// cluster, each in its own process as the demo starts them) measured against the sims' ground
// truth (GET /_sim/ground-truth/:id):
// - the client's error: per-gap ITL error and the error of the ITL percentiles a report shows
//   (client gaps against the gaps the sim wrote), TTFT error (both processes stamp epoch ms from
//   the same system clock);
// - the cluster's side: the tokens per second the sim generated (by its own generatedAt), how far
//   its decode steps overran their modelled time (its own CPU), and how full the client kept it
//   (mean requests in the sim between the first receive and the last completion ÷ 24).
// `npm run bench:demo-client -- --time-scale 0.5 --repetitions 3` (the demo's settings). Prints
// one line per load and a RESULT line per mode.
import os from "node:os";
import { parseArgs } from "node:util";
import type { TokenTiming } from "@mlxbench/sim";
import { spawnSimCluster, type SimClusterProcess } from "../src/cli/spawn-sim-cluster.js";
import { percentile, runLoad, type LoadResult, type RequestRecord } from "../src/measure/index.js";

const { values } = parseArgs({
  options: {
    "time-scale": { type: "string", default: "0.5" },
    repetitions: { type: "string", default: "3" },
    concurrency: { type: "string", default: "24" },
    "requests-per-stream": { type: "string", default: "2" },
  },
});
const timeScale = values["time-scale"];
const reps = Number(values.repetitions);
const concurrency = Number(values.concurrency);
const perStream = Number(values["requests-per-stream"]);

interface SteadyThroughput {
  /** Output tokens per second while every slot of the closed loop was busy. */
  outputTokensPerS: number;
  /** The window: the first request sent to the last request sent, ms. */
  windowMs: number;
  /** Share of the run's output tokens that arrived inside the window. */
  tokenShare: number;
}

/**
 * Output tokens per second of a closed-loop (concurrency) load while it was at its concurrency:
 * from the first request sent to the last. Until the last request is sent, each one that ends is
 * replaced at once, so `concurrency` requests are in the server the whole window; after it the
 * load drains, and a short run of uneven requests (32–256 tokens) spends much of its time
 * draining: a cluster that holds 24 sequences at once then decodes a handful, one that holds 8
 * still has a queue. Counting the drain measures the load's shape, not the cluster.
 * Streamed requests only (their chunks carry arrival times); null when the window is empty
 * (all requests sent at once) or nothing was streamed.
 */
function steadyThroughput(records: readonly RequestRecord[]): SteadyThroughput | null {
  const ok = records.filter((r) => r.ok && r.streamed);
  if (ok.length === 0) return null;
  let from = Infinity;
  let to = -Infinity;
  for (const r of records) {
    from = Math.min(from, r.sentMs);
    to = Math.max(to, r.sentMs);
  }
  const windowMs = to - from;
  if (!(windowMs > 0)) return null;
  let inside = 0;
  let total = 0;
  for (const r of ok) {
    for (const c of r.chunks) {
      total += c.tokens;
      if (c.atMs > from && c.atMs <= to) inside += c.tokens;
    }
  }
  if (inside === 0) return null;
  return { outputTokensPerS: (inside / windowMs) * 1000, windowMs, tokenShare: inside / total };
}

const p = (xs: readonly number[], q: number): number =>
  xs.length ? percentile(Float64Array.from(xs).sort(), q) : Number.NaN;
const f = (x: number, d = 2): string => (Number.isFinite(x) ? x.toFixed(d) : "n/a");

async function truthOf(apiUrl: string, id: string): Promise<TokenTiming> {
  const res = await fetch(`${apiUrl}/_sim/ground-truth/${encodeURIComponent(id)}`);
  if (!res.ok) throw new Error(`ground truth of ${id}: HTTP ${res.status}`);
  return (await res.json()) as TokenTiming;
}

interface LoadFigures {
  /** Modelled prefill time of the load's requests over its window: a prefill holds the whole step. */
  prefillShare: number;
  queuedP50: number;
  clientTokPerS: number;
  steadyTokPerS: number;
  simTokPerS: number;
  occupancy: number;
  stepOverrunP50: number;
  stepOverrunP99: number;
  itlErrP50: number;
  itlErrP99: number;
  itlP50Client: number;
  itlP50Sim: number;
  itlP99Client: number;
  itlP99Sim: number;
  ttftErrP50: number;
  ttftErrP99: number;
  stampLagP99: number;
  warned: boolean;
}

async function measure(cluster: SimClusterProcess): Promise<LoadFigures> {
  const res: LoadResult = await runLoad({
    baseUrl: cluster.apiUrl,
    load: { kind: "concurrency", concurrency },
    requests: concurrency * perStream,
  });
  const itlErr: number[] = [];
  const clientGaps: number[] = [];
  const simGaps: number[] = [];
  const ttftErr: number[] = [];
  const overrun: number[] = [];
  const spans: [number, number][] = [];
  let tokens = 0;
  let prefillMs = 0;
  const queued: number[] = [];
  let firstReceived = Infinity;
  let lastGenerated = -Infinity;
  for (const r of res.records) {
    if (!r.ok || !r.completionId) throw new Error(`request ${r.id} failed: ${r.error?.message}`);
    const t = await truthOf(cluster.apiUrl, r.completionId);
    // When each content chunk was written: the first token it carried.
    const written: number[] = [];
    for (const tok of t.tokens)
      if (written[tok.chunk] === undefined) written[tok.chunk] = tok.writtenAt;
    if (written.length !== r.chunks.length)
      throw new Error(`${r.id}: ${r.chunks.length} chunks read, ${written.length} written`);
    ttftErr.push((r.firstTokenMs ?? NaN) - (written[0] ?? NaN));
    for (let i = 1; i < written.length; i++) {
      const cg = (r.chunks[i]?.atMs ?? NaN) - (r.chunks[i - 1]?.atMs ?? NaN);
      const sg = (written[i] ?? NaN) - (written[i - 1] ?? NaN);
      clientGaps.push(cg);
      simGaps.push(sg);
      itlErr.push(Math.abs(cg - sg));
    }
    for (let i = 1; i < t.tokens.length; i++) {
      const a = t.tokens[i - 1];
      const b = t.tokens[i];
      if (a && b && b.modelledMs > 0) overrun.push((b.generatedAt - a.generatedAt) / b.modelledMs);
    }
    tokens += t.tokens.length;
    prefillMs += t.prefillMs;
    queued.push(t.queuedMs);
    firstReceived = Math.min(firstReceived, t.receivedAt);
    const last = t.tokens.at(-1)?.generatedAt ?? t.receivedAt;
    lastGenerated = Math.max(lastGenerated, last);
    spans.push([t.receivedAt, t.completedAt ?? last]);
  }
  const window = lastGenerated - firstReceived;
  const busy = spans.reduce((s, [a, b]) => s + (b - a), 0);
  return {
    prefillShare: prefillMs / window,
    queuedP50: p(queued, 50),
    clientTokPerS: res.metrics.outputTokensPerS,
    steadyTokPerS: steadyThroughput(res.records)?.outputTokensPerS ?? NaN,
    simTokPerS: (tokens / window) * 1000,
    occupancy: busy / window / concurrency,
    stepOverrunP50: p(overrun, 50),
    stepOverrunP99: p(overrun, 99),
    itlErrP50: p(itlErr, 50),
    itlErrP99: p(itlErr, 99),
    itlP50Client: p(clientGaps, 50),
    itlP50Sim: p(simGaps, 50),
    itlP99Client: p(clientGaps, 99),
    itlP99Sim: p(simGaps, 99),
    ttftErrP50: p(ttftErr, 50),
    ttftErrP99: p(ttftErr, 99),
    stampLagP99: res.calibration.stampLagMs?.p99 ?? NaN,
    warned: res.calibration.clientLimited,
  };
}

const started = performance.now();
console.log(
  `host: ${os.cpus().length} cores, load average ${os
    .loadavg()
    .map((l) => f(l))
    .join(
      " ",
    )}; sim --time-scale ${timeScale}, ${concurrency} streams × ${perStream} requests, ${reps} repetitions`,
);
const [distributed, single] = await Promise.all([
  spawnSimCluster({ devices: 3, seed: 42, extraArgs: ["--time-scale", timeScale] }),
  spawnSimCluster({ devices: 1, seed: 43, extraArgs: ["--time-scale", timeScale] }),
]);
try {
  const tps: Record<string, number[]> = { distributed: [], single: [] };
  const simTps: Record<string, number[]> = { distributed: [], single: [] };
  const steady: Record<string, number[]> = { distributed: [], single: [] };
  for (const [name, cluster] of [
    ["distributed", distributed],
    ["single", single],
  ] as const) {
    for (let rep = 0; rep < reps; rep++) {
      const m = await measure(cluster);
      tps[name]?.push(m.clientTokPerS);
      simTps[name]?.push(m.simTokPerS);
      steady[name]?.push(m.steadyTokPerS);
      console.log(
        `${name} rep ${rep + 1} (load ${f(os.loadavg()[0] ?? NaN)}): client ${f(m.clientTokPerS, 0)} tok/s (${f(m.steadyTokPerS, 0)} while at ${concurrency}), sim generated ${f(m.simTokPerS, 0)} tok/s, occupancy ${f(100 * m.occupancy, 0)} %, prefill ${f(100 * m.prefillShare, 0)} % of the window, queued p50 ${f(m.queuedP50)} ms, step actual/modelled p50 ${f(m.stepOverrunP50)} p99 ${f(m.stepOverrunP99)}; ITL err p50 ${f(m.itlErrP50, 3)} p99 ${f(m.itlErrP99)} ms; ITL p50 client ${f(m.itlP50Client)} vs written ${f(m.itlP50Sim)}, p99 ${f(m.itlP99Client)} vs ${f(m.itlP99Sim)} ms; TTFT err p50 ${f(m.ttftErrP50)} p99 ${f(m.ttftErrP99)} ms; stamp lag p99 ${f(m.stampLagP99)} ms, client-limited warning ${m.warned ? "yes" : "no"}`,
      );
    }
  }
  const med = (xs: number[]): number => p(xs, 50);
  const ratio = med(tps["distributed"] ?? []) / med(tps["single"] ?? []);
  const simRatio = med(simTps["distributed"] ?? []) / med(simTps["single"] ?? []);
  const steadyRatio = med(steady["distributed"] ?? []) / med(steady["single"] ?? []);
  console.log(
    `RESULT time_scale=${timeScale} improvement=${f(ratio)} efficiency_pct=${f((ratio / 3) * 100, 0)} sim_improvement=${f(simRatio)} steady_improvement=${f(steadyRatio)} steady_efficiency_pct=${f((steadyRatio / 3) * 100, 0)} seconds=${f((performance.now() - started) / 1000, 0)}`,
  );
} finally {
  await Promise.all([distributed.stop(), single.stop()]);
}
