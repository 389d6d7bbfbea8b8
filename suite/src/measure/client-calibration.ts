import { createHistogram } from "node:perf_hooks";
import type { GcPause } from "./observe-gc-pauses.js";
import type { Stats } from "./summarize.js";

export interface ClientCalibration {
  /** Where the responses were read and stamped (see sendChatCompletion's readIn). */
  readIn: "thread" | "main";
  /** Actual send minus intended start, per measured request. */
  dispatchLagMs: Stats | null;
  /** How late this (the main) thread's event loop ran a timer, sampled through the measured phase. */
  eventLoopLagMs: Stats | null;
  /**
   * How late the thread that stamps the reads ran a timer: the reader thread's event-loop lag, or
   * the main thread's when reading in main. A read that arrives while that loop is busy is stamped late.
   */
  stampLagMs: Stats | null;
  /**
   * The stamping thread's GC pauses in the measured phase: a read that arrives during one is
   * stamped late by up to its length (the reader thread's, or this thread's when reading in main).
   */
  stampGcPauses: GcPause[];
  clientLimited: boolean;
  warning?: string;
}

/**
 * Where the client's own delay becomes a real share of what it reports (docs/metrics.md, "Client
 * calibration"). A lag fires only when it is above an absolute floor (below it, against the sim's
 * written timestamps, the stamp error stayed under the raw reader's) and a share of the figure it
 * can move: a late stamp leaves the median gap where it was (it lengthens one gap and shortens the
 * next) but can lengthen the longest gaps, and a late first stamp the longest TTFTs, by up to the
 * lag, so the stamp lag is set against the ITL p99 and the TTFT p99 the report shows.
 */
export const CLIENT_LIMITS = {
  /** Below this a lag p99 never fires: the stamp error it causes is within a bare reader's. */
  floorMs: 5,
  /**
   * Stamp lag p99 as a share of the ITL p99. A late stamp lengthens one gap and shortens the next;
   * under the ground truth the reported ITL p99 was off by at most half the stamp lag, so at half
   * the p99 up to a quarter of it may be the client's.
   */
  stampLagShareOfItlP99: 0.5,
  /** Stamp lag p99 as a share of the TTFT p99: a late first stamp adds one to one, so a quarter. */
  stampLagShareOfTtftP99: 0.25,
  /** Dispatch lag p99 as a share of the median TTFT, which it inflates one to one. */
  dispatchLagShareOfTtft: 0.25,
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

/** The lags of a run and the latencies they could blur. */
export interface CalibrationInput {
  readIn: "thread" | "main";
  dispatchLagMs: Stats | null;
  eventLoopLagMs: Stats | null;
  stampLagMs: Stats | null;
  stampGcPauses?: GcPause[];
  itlMs: Stats | null;
  ttftMs: Stats | null;
  /** What a dispatch lag is compared with when nothing was streamed (no TTFT). */
  e2eMs?: Stats | null;
  /** The client machine at the end of the load (os.loadavg()[0], os.availableParallelism()). */
  machine?: { loadAvg1: number; cores: number };
}

/** Decides whether the client limited the run, and says why in a sentence a reader can act on. */
export function assessCalibration(input: CalibrationInput): ClientCalibration {
  const { dispatchLagMs, stampLagMs, itlMs, ttftMs } = input;
  const reasons: string[] = [];
  const floor = CLIENT_LIMITS.floorMs;
  const where = input.readIn === "thread" ? "reader thread" : "main thread";
  if (stampLagMs !== null && stampLagMs.p99 > floor) {
    const lag = stampLagMs.p99;
    const itlShare = shareOfP99(lag, itlMs);
    const ttftShare = shareOfP99(lag, ttftMs);
    if (itlShare > CLIENT_LIMITS.stampLagShareOfItlP99)
      reasons.push(
        `stamp lag p99 (${where}) ${lag.toFixed(1)} ms is ${pct(itlShare)}% of the ITL p99 ${p99(itlMs)} ms`,
      );
    else if (ttftShare > CLIENT_LIMITS.stampLagShareOfTtftP99)
      reasons.push(
        `stamp lag p99 (${where}) ${lag.toFixed(1)} ms is ${pct(ttftShare)}% of the TTFT p99 ${p99(ttftMs)} ms`,
      );
  }
  if (dispatchLagMs !== null && dispatchLagMs.p99 > floor) {
    const [name, of] = ttftMs === null ? ["E2E", input.e2eMs ?? null] : ["TTFT", ttftMs];
    const lagShare = share(dispatchLagMs.p99, of);
    if (lagShare > CLIENT_LIMITS.dispatchLagShareOfTtft)
      reasons.push(
        `dispatch lag p99 ${dispatchLagMs.p99.toFixed(1)} ms is ${pct(lagShare)}% of the median ${name} ${median(of)} ms`,
      );
  }
  const calibration: ClientCalibration = {
    readIn: input.readIn,
    dispatchLagMs,
    eventLoopLagMs: input.eventLoopLagMs,
    stampLagMs,
    stampGcPauses: input.stampGcPauses ?? [],
    clientLimited: reasons.length > 0,
  };
  if (reasons.length > 0) {
    calibration.warning = `client-limited measurement: ${reasons.join("; ")}.${describeMachine(input.machine)} Latencies include the client's own delay; use a less loaded client machine or a lower load.`;
  }
  return calibration;
}

/** Says when the client machine itself was overloaded: then it, not the cluster, set the lags. */
function describeMachine(machine: CalibrationInput["machine"]): string {
  if (machine === undefined) return "";
  const load = `load average ${machine.loadAvg1.toFixed(1)} on ${machine.cores} cores`;
  return machine.loadAvg1 > machine.cores
    ? ` This machine was overloaded (${load}): the machine, not the cluster, limited the measurement.`
    : ` This machine: ${load}.`;
}

/** lag ÷ the median it blurs; 0 without one (nothing measured that the lag could blur). */
function share(lagMs: number, of: Stats | null): number {
  if (of === null || of.p50 <= 0) return 0;
  return lagMs / of.p50;
}

/** lag ÷ the p99 it can lengthen; 0 without one. */
function shareOfP99(lagMs: number, of: Stats | null): number {
  if (of === null || of.p99 <= 0) return 0;
  return lagMs / of.p99;
}

function p99(s: Stats | null): string {
  return s === null ? "n/a" : s.p99.toFixed(2);
}

function pct(share: number): string {
  return (share * 100).toFixed(0);
}

function median(s: Stats | null): string {
  return s === null ? "n/a" : s.p50.toFixed(2);
}
