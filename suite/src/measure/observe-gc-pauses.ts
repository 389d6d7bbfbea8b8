import { constants, PerformanceObserver, type PerformanceEntry } from "node:perf_hooks";
import { setImmediate as nextTurn } from "node:timers/promises";

/** A garbage-collection pause of one thread: nothing else ran on that thread meanwhile. */
export interface GcPause {
  /** Epoch ms when the pause began. */
  atMs: number;
  durationMs: number;
  kind: "minor" | "major" | "incremental" | "weakcb" | "other";
}

export interface GcObserver {
  /** Stops observing and returns the pauses seen since the start (waits one turn for late entries). */
  stop(): Promise<GcPause[]>;
}

const KINDS: Record<number, GcPause["kind"]> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: "minor",
  [constants.NODE_PERFORMANCE_GC_MAJOR]: "major",
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: "incremental",
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: "weakcb",
};

/** Records this thread's GC pauses (perf_hooks "gc" entries) from now until stop(). */
export function observeGcPauses(): GcObserver {
  const pauses: GcPause[] = [];
  const take = (entries: readonly PerformanceEntry[]): void => {
    for (const e of entries) {
      const kind = (e as { detail?: { kind?: number } | null }).detail?.kind ?? 0;
      pauses.push({
        atMs: performance.timeOrigin + e.startTime,
        durationMs: e.duration,
        kind: KINDS[kind] ?? "other",
      });
    }
  };
  const observer = new PerformanceObserver((list) => take(list.getEntries()));
  observer.observe({ entryTypes: ["gc"] });
  return {
    async stop(): Promise<GcPause[]> {
      await nextTurn(); // a pause's entry is queued after the pause, for a later turn
      take(observer.takeRecords());
      observer.disconnect();
      return pauses;
    },
  };
}
