import { computeMedian } from "@mlxbench/verdict/stats";
import type { ClusterMode, CostConfig } from "@mlxbench/proto";
import { e2eOf, runLoad, startResourceSampler } from "../measure/index.js";
import type { ResourceSummary } from "../measure/index.js";
import { DistributedStatusBody, getOptionalClusterJson } from "../cluster-http.js";
import type { SuiteDeps } from "../deps.js";
import { samplesOf } from "../load-summary.js";
import { finiteOrNull } from "../metric.js";
import type { ModeMeasurement } from "../results/index.js";
import type { Target } from "../suite-options.js";
import type { CompareOptions } from "./compare-options.js";

/**
 * One mode on its target: sequential requests for latency, then repetitions under concurrent
 * load for throughput, with memory sampled meanwhile and the cost from the config.
 */
export async function measureMode(
  mode: ClusterMode,
  target: Target,
  opts: CompareOptions,
  deps: SuiteDeps,
): Promise<ModeMeasurement> {
  const warnings: string[] = [];
  const status = await getOptionalClusterJson(
    target.apiUrl,
    "distributed/status",
    DistributedStatusBody,
    {
      timeoutMs: 5000,
    },
  );
  const devices = status.available ? status.body.devices.map((d) => d.device_id) : [];
  const deviceCount = status.available ? devices.length : mode === "single-device" ? 1 : null;
  if (!status.available) warnings.push(`${mode}: device list not available (${status.reason})`);
  const common = {
    baseUrl: target.apiUrl,
    ...(opts.model ? { model: opts.model } : {}),
    ...(opts.prompts.length ? { prompts: opts.prompts } : {}),
    timeoutMs: opts.requestTimeoutMs,
    ...(deps.signal ? { signal: deps.signal } : {}),
  };
  const sequential = await runLoad({
    ...common,
    load: { kind: "concurrency", concurrency: 1 },
    requests: Math.max(2, opts.performanceIterations),
    warmupRequests: 1,
  });
  warnings.push(...sequential.warnings.map((w) => `${mode}: ${w}`));
  const sampler = startResourceSampler({ apiUrl: target.apiUrl, intervalMs: 250 });
  const tps: number[] = [];
  const rps: number[] = [];
  let ok = sequential.records.filter((r) => r.ok).length;
  let attempted = sequential.records.length;
  let tokens = 0;
  let resources: ResourceSummary | null = null;
  try {
    for (let rep = 0; rep < opts.performanceIterations; rep++) {
      const res = await runLoad({
        ...common,
        load: { kind: "concurrency", concurrency: opts.concurrentRequests },
        requests: opts.concurrentRequests * 2,
      });
      tps.push(res.metrics.outputTokensPerS);
      rps.push(res.metrics.requestsPerS);
      ok += res.records.filter((r) => r.ok).length;
      attempted += res.records.length;
      for (const r of res.records) if (r.ok) tokens += r.outputTokens;
      warnings.push(...res.warnings.map((w) => `${mode}: ${w}`));
      deps.progress.advance(1, `${mode} repetition ${rep + 1} of ${opts.performanceIterations}`);
    }
  } finally {
    resources = await sampler.stop({ outputTokens: tokens });
  }
  const clusterMemoryMb = resources.clusterMemoryMb?.peak ?? null;
  const costPerHour = costOf(
    opts.costs,
    devices.length ? devices : deviceCount === 1 ? ["single-device"] : [],
  );
  const t = finiteOrNull(computeMedian(tps));
  return {
    mode,
    apiUrl: target.apiUrl,
    devices,
    deviceCount,
    concurrency: opts.concurrentRequests,
    outputTokensPerS: tps,
    requestsPerS: rps,
    e2eMs: samplesOf(sequential.records, e2eOf),
    successRate: attempted ? ok / attempted : 0,
    clusterMemoryMb,
    memoryPerDeviceMb:
      clusterMemoryMb !== null && deviceCount ? clusterMemoryMb / deviceCount : null,
    costPerHour,
    tokensPerCurrency: costPerHour && t !== null ? (t * 3600) / costPerHour : null,
    warnings: [...new Set(warnings)],
  };
}

/** Cost per hour of the given devices; null when the config sets no costs. */
function costOf(costs: CostConfig, devices: readonly string[]): number | null {
  if (devices.length === 0) return null;
  const total = devices.reduce((sum, id) => sum + (costs.devices[id] ?? costs.per_device_hour), 0);
  return total > 0 ? total : null;
}
