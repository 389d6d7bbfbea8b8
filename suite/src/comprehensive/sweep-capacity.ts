import type { ProgressReporter } from "../deps.js";
import type { LoadOptions, LoadResult } from "../measure/index.js";
import type { CapacityAtSlo, ConcurrencyPoint } from "../results/index.js";
import type { SuiteSlo } from "../suite-options.js";
import { measureConcurrencyPoint } from "./measure-concurrency-point.js";

/** Share of a level's attempted requests that met every objective (goodput ÷ attempted rate). */
export function goodShareOf(p: ConcurrencyPoint): number {
  const l = p.latency;
  if (l.goodputRequestsPerS === null || l.requestsPerS <= 0) return 0;
  return (l.goodputRequestsPerS / l.requestsPerS) * l.successRate;
}

/**
 * Capacity at the SLO, as GuideLLM's sweep finds it: concurrency doubles from 1 while each level
 * meets the SLO (at least `minGoodShare` of its requests meet every objective), up to `max`;
 * then the gap between the last level that met it and the first that did not is bisected.
 */
export async function sweepCapacity(
  common: Omit<LoadOptions, "load" | "requests">,
  o: { slo: SuiteSlo; max: number; reps: number },
  each: (res: LoadResult) => void,
  progress: ProgressReporter,
): Promise<{ points: ConcurrencyPoint[]; capacity: CapacityAtSlo }> {
  const points: ConcurrencyPoint[] = [];
  const meets = async (c: number): Promise<boolean> => {
    const p = await measureConcurrencyPoint(common, c, o.reps, each, progress);
    points.push(p);
    return goodShareOf(p) >= o.slo.minGoodShare;
  };
  progress.phase("capacity sweep", 0);
  let pass = 0;
  let fail: number | null = null;
  for (let c = 1; c <= o.max; c = c < o.max ? Math.min(c * 2, o.max) : o.max + 1) {
    if (await meets(c)) pass = c;
    else {
      fail = c;
      break;
    }
  }
  while (fail !== null && fail - pass > 1) {
    const mid = Math.floor((pass + fail) / 2);
    if (await meets(mid)) pass = mid;
    else fail = mid;
  }
  points.sort((a, b) => a.concurrency - b.concurrency);
  const at = points.find((p) => p.concurrency === pass);
  return {
    points,
    capacity: {
      slo: o.slo,
      concurrency: pass > 0 ? pass : null,
      limitedBy: fail === null ? "max_concurrency" : "slo",
      maxConcurrency: o.max,
      outputTokensPerS: at?.latency.outputTokensPerS ?? null,
      goodputRequestsPerS: at?.latency.goodputRequestsPerS ?? null,
      levels: points.map((p) => ({
        concurrency: p.concurrency,
        goodShare: goodShareOf(p),
        meetsSlo: goodShareOf(p) >= o.slo.minGoodShare,
      })),
    },
  };
}
