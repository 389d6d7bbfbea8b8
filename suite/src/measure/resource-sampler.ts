import os from "node:os";
import { getGlobalDispatcher, type Dispatcher } from "undici";
import { normalizeBaseUrl } from "./normalize-base-url.js";

export interface PeakAverage {
  peak: number;
  average: number;
}

export interface ResourceSummary {
  samples: number;
  durationMs: number;
  /** This machine's CPU busy share over all cores, 0–100. */
  machineCpuPercent: PeakAverage | null;
  /** This machine's used memory (total − free), MB. */
  machineMemoryMb: PeakAverage;
  /** This process's resident set size, MB. */
  processRssMb: PeakAverage;
  /** The cluster's memory from its status endpoints, MB; null when it has none. */
  clusterMemoryMb: (PeakAverage & { source: "performance_stats" | "gpu-info" }) | null;
  /** Output tokens per MB of peak memory, cluster memory when known, else this machine's. */
  tokensPerMb: number | null;
  tokensPerMbBasis: "cluster" | "machine" | null;
}

export interface ResourceSampler {
  stop(opts?: { outputTokens?: number }): Promise<ResourceSummary>;
}

export interface ResourceSamplerOptions {
  /** The cluster's HTTP API; without it only this machine is sampled. */
  apiUrl?: string;
  intervalMs?: number;
  dispatcher?: Dispatcher;
  now?: () => number;
}

const MB = 1024 * 1024;

/**
 * Samples this machine's CPU and memory and, when the cluster exposes them, its memory
 * (GET /distributed/status performance_stats.actual_memory_usage_gb, else the sum of
 * GET /distributed/gpu-info devices[].system_memory used) every intervalMs until stop().
 * Failed cluster polls are skipped, never counted as zero.
 */
export function startResourceSampler(opts: ResourceSamplerOptions = {}): ResourceSampler {
  const intervalMs = opts.intervalMs ?? 1000;
  const now = opts.now ?? Date.now;
  const dispatcher = opts.dispatcher ?? getGlobalDispatcher();
  const api = opts.apiUrl === undefined ? undefined : normalizeBaseUrl(opts.apiUrl, "apiUrl");
  const startedAt = now();
  const cpu: number[] = [];
  const machineMem: number[] = [];
  const rss: number[] = [];
  const cluster: number[] = [];
  let clusterSource: "performance_stats" | "gpu-info" | undefined;
  let lastTimes = cpuTimes();
  let polling: Promise<void> = Promise.resolve();
  let clusterPollBusy = false;

  const sample = (): void => {
    const times = cpuTimes();
    const total = times.total - lastTimes.total;
    if (total > 0) cpu.push((100 * (times.busy - lastTimes.busy)) / total);
    lastTimes = times;
    machineMem.push((os.totalmem() - os.freemem()) / MB);
    rss.push(process.memoryUsage.rss() / MB);
    if (api !== undefined && !clusterPollBusy) {
      clusterPollBusy = true;
      polling = readClusterMemory(api, dispatcher, intervalMs)
        .then((found) => {
          if (found === undefined) return;
          // Keep one source for the whole run, so peak and average compare like with like.
          clusterSource ??= found.source;
          if (found.source === clusterSource) cluster.push(found.mb);
        })
        .finally(() => {
          clusterPollBusy = false;
        });
    }
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  timer.unref();

  return {
    async stop(stopOpts = {}): Promise<ResourceSummary> {
      clearInterval(timer);
      sample();
      await polling;
      const clusterMemoryMb =
        cluster.length > 0 && clusterSource !== undefined
          ? { ...peakAverage(cluster), source: clusterSource }
          : null;
      const machineMemoryMb = peakAverage(machineMem);
      const tokens = stopOpts.outputTokens;
      let tokensPerMb: number | null = null;
      let tokensPerMbBasis: ResourceSummary["tokensPerMbBasis"] = null;
      if (tokens !== undefined) {
        const basis = clusterMemoryMb ?? machineMemoryMb;
        tokensPerMbBasis = clusterMemoryMb === null ? "machine" : "cluster";
        tokensPerMb = basis.peak > 0 ? tokens / basis.peak : null;
      }
      return {
        samples: machineMem.length,
        durationMs: now() - startedAt,
        machineCpuPercent: cpu.length > 0 ? peakAverage(cpu) : null,
        machineMemoryMb,
        processRssMb: peakAverage(rss),
        clusterMemoryMb,
        tokensPerMb,
        tokensPerMbBasis,
      };
    },
  };
}

function peakAverage(values: readonly number[]): PeakAverage {
  let peak = -Infinity;
  let sum = 0;
  for (const v of values) {
    if (v > peak) peak = v;
    sum += v;
  }
  return {
    peak: values.length > 0 ? peak : 0,
    average: values.length > 0 ? sum / values.length : 0,
  };
}

function cpuTimes(): { busy: number; total: number } {
  let busy = 0;
  let total = 0;
  for (const c of os.cpus()) {
    const t = c.times;
    const all = t.user + t.nice + t.sys + t.idle + t.irq;
    total += all;
    busy += all - t.idle;
  }
  return { busy, total };
}

async function readClusterMemory(
  api: { origin: string; prefix: string },
  dispatcher: Dispatcher,
  timeoutMs: number,
): Promise<{ mb: number; source: "performance_stats" | "gpu-info" } | undefined> {
  const status = await getJson(api, "/distributed/status", dispatcher, timeoutMs);
  const stats = field(status, "performance_stats");
  const gb = field(stats, "actual_memory_usage_gb");
  if (typeof gb === "number" && Number.isFinite(gb))
    return { mb: gb * 1024, source: "performance_stats" };
  const info = await getJson(api, "/distributed/gpu-info", dispatcher, timeoutMs);
  const devices = field(info, "devices");
  if (!Array.isArray(devices)) return undefined;
  let usedGb = 0;
  let seen = 0;
  for (const d of devices) {
    const mem = field(d, "system_memory");
    const total = field(mem, "total_gb");
    const usedPercent = field(mem, "used_percent");
    const available = field(mem, "available_gb");
    if (typeof total !== "number") continue;
    if (typeof usedPercent === "number") usedGb += (total * usedPercent) / 100;
    else if (typeof available === "number") usedGb += total - available;
    else continue;
    seen++;
  }
  return seen > 0 ? { mb: usedGb * 1024, source: "gpu-info" } : undefined;
}

async function getJson(
  api: { origin: string; prefix: string },
  path: string,
  dispatcher: Dispatcher,
  timeoutMs: number,
): Promise<unknown> {
  try {
    const res = await dispatcher.request({
      origin: api.origin,
      path: `${api.prefix}${path}`,
      method: "GET",
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const text = await res.body.text();
    return res.statusCode === 200 ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    return undefined; // an endpoint the cluster does not have, or a poll that failed
  }
}

function field(value: unknown, key: string): unknown {
  return typeof value === "object" && value !== null
    ? (value as Record<string, unknown>)[key]
    : undefined;
}
