import {
  computeLoadMetrics,
  e2eOf,
  runLoad,
  type LoadOptions,
  type LoadResult,
  type RequestRecord,
} from "../measure/index.js";
import type { ProgressReporter } from "../deps.js";
import { samplesOf, summarizeLoad } from "../load-summary.js";
import { computeServerCalibration } from "../server-calibration.js";
import type { ConcurrencyPoint } from "../results/index.js";

/**
 * One level of the throughput sweep: `reps` repetitions of 2 × c requests at concurrency c,
 * with the full latency set over all of them.
 */
export async function measureConcurrencyPoint(
  common: Omit<LoadOptions, "load" | "requests">,
  c: number,
  reps: number,
  each: (res: LoadResult) => void,
  progress: ProgressReporter,
): Promise<ConcurrencyPoint> {
  const point: ConcurrencyPoint = {
    concurrency: c,
    outputTokensPerS: [],
    requestsPerS: [],
    successRate: 0,
    ok: 0,
    attempted: 0,
    e2eP50Ms: null,
    maxInFlight: 0,
    latency: computeLoadMetrics([], 0),
    serverCalibration: null,
  };
  const records: RequestRecord[] = [];
  let measuredMs = 0;
  let ok = 0;
  let attempted = 0;
  const e2e: number[] = [];
  for (let rep = 0; rep < reps; rep++) {
    const res = await runLoad({
      ...common,
      load: { kind: "concurrency", concurrency: c },
      requests: c * 2,
    });
    const s = summarizeLoad(res);
    each(res);
    point.outputTokensPerS.push(res.metrics.outputTokensPerS);
    point.requestsPerS.push(res.metrics.requestsPerS);
    point.maxInFlight = Math.max(point.maxInFlight, s.maxInFlight);
    ok += res.records.filter((r) => r.ok).length;
    attempted += res.records.length;
    e2e.push(...samplesOf(res.records, e2eOf));
    records.push(...res.records);
    measuredMs += res.durationMs;
    progress.advance(1, `concurrency ${c}`);
  }
  point.successRate = attempted ? ok / attempted : 0;
  point.ok = ok;
  point.attempted = attempted;
  e2e.sort((a, b) => a - b);
  point.e2eP50Ms = e2e.length ? (e2e[Math.floor(e2e.length / 2)] ?? null) : null;
  const { streamingMeasurable: _streaming, ...latency } = computeLoadMetrics(
    records,
    measuredMs,
    common.slo,
  );
  point.latency = latency;
  point.serverCalibration = computeServerCalibration(records);
  return point;
}
