import { createHistogram } from "node:perf_hooks";
import type { Stats } from "./summarize.js";

export interface ClientCalibration {
  /** Actual send minus intended start, per measured request. */
  dispatchLagMs: Stats | null;
  /** How late this process's event loop ran a timer, sampled through the measured phase. */
  eventLoopLagMs: Stats | null;
  clientLimited: boolean;
  warning?: string;
}

/** Above these the client, not the server, shaped the measurement (docs/metrics.md). */
export const CLIENT_LIMITS = {
  eventLoopLagP99Ms: 10,
  dispatchLagP99Ms: 5,
  /** Event-loop lag p99 as a share of the median ITL it would blur. */
  eventLoopLagShareOfItl: 0.25,
} as const;

export interface EventLoopMonitor {
  stop(): Stats | null;
}

/**
 * Samples event-loop lag: a timer asks to run every resolutionMs and records how late it
 * ran, in a perf_hooks histogram (microseconds). On stop, a timer that is overdue right now
 * counts too, so a stall just before the end is not lost. (perf_hooks' monitorEventLoopDelay
 * misses a stall that starts before its first sample.)
 */
export function startEventLoopMonitor(
  resolutionMs = 5,
  now: () => number = () => performance.now(),
): EventLoopMonitor {
  const histogram = createHistogram();
  let due = now() + resolutionMs;
  let timer: NodeJS.Timeout | undefined;
  const record = (at: number): void => {
    histogram.record(Math.max(1, Math.round((at - due) * 1000)));
  };
  const tick = (): void => {
    const at = now();
    record(at);
    due = at + resolutionMs;
    timer = setTimeout(tick, resolutionMs);
    timer.unref();
  };
  timer = setTimeout(tick, resolutionMs);
  timer.unref();
  return {
    stop(): Stats | null {
      clearTimeout(timer);
      const at = now();
      if (at > due) record(at);
      if (histogram.count === 0) return null;
      const ms = (us: number): number => us / 1000;
      return {
        count: histogram.count,
        mean: ms(histogram.mean),
        min: ms(histogram.min),
        max: ms(histogram.max),
        stddev: ms(histogram.stddev),
        p50: ms(histogram.percentile(50)),
        p90: ms(histogram.percentile(90)),
        p95: ms(histogram.percentile(95)),
        p99: ms(histogram.percentile(99)),
      };
    },
  };
}

/** Decides whether the client limited the run, and says why in a sentence a reader can act on. */
export function assessCalibration(
  dispatchLagMs: Stats | null,
  eventLoopLagMs: Stats | null,
  itlMs: Stats | null,
): ClientCalibration {
  const reasons: string[] = [];
  if (eventLoopLagMs !== null && eventLoopLagMs.p99 > CLIENT_LIMITS.eventLoopLagP99Ms) {
    reasons.push(
      `event-loop lag p99 ${eventLoopLagMs.p99.toFixed(1)} ms > ${CLIENT_LIMITS.eventLoopLagP99Ms} ms`,
    );
  }
  if (dispatchLagMs !== null && dispatchLagMs.p99 > CLIENT_LIMITS.dispatchLagP99Ms) {
    reasons.push(
      `dispatch lag p99 ${dispatchLagMs.p99.toFixed(1)} ms > ${CLIENT_LIMITS.dispatchLagP99Ms} ms`,
    );
  }
  if (eventLoopLagMs !== null && itlMs !== null && itlMs.p50 > 0) {
    const share = eventLoopLagMs.p99 / itlMs.p50;
    if (share > CLIENT_LIMITS.eventLoopLagShareOfItl) {
      reasons.push(
        `event-loop lag p99 ${eventLoopLagMs.p99.toFixed(2)} ms is ${(share * 100).toFixed(0)}% of the median ITL ${itlMs.p50.toFixed(2)} ms`,
      );
    }
  }
  const calibration: ClientCalibration = {
    dispatchLagMs,
    eventLoopLagMs,
    clientLimited: reasons.length > 0,
  };
  if (reasons.length > 0) {
    calibration.warning = `client-limited measurement: ${reasons.join("; ")}. Latencies include the client's own delay; use a less loaded client machine or a lower load.`;
  }
  return calibration;
}
