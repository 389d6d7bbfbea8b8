import type { Direction, MetricResult } from "@mlxbench/proto";
import { summarize } from "./measure/index.js";

export type Component = MetricResult["component"];

/** A metric with its raw samples; non-finite samples are dropped (a failed call is never a number). */
export function makeMetric(m: {
  key: string;
  component: Component;
  label: string;
  unit: string;
  direction: Direction;
  samples: readonly number[];
  gated?: boolean;
}): MetricResult {
  const samples = m.samples.filter((s) => Number.isFinite(s));
  return {
    key: m.key,
    component: m.component,
    label: m.label,
    unit: m.unit,
    direction: m.direction,
    samples,
    stats: summarize(samples),
    gated: m.gated ?? false,
  };
}

/** Marks the metrics the config gates; everything else is informational. */
export function applyGating(metrics: MetricResult[], gated: readonly string[]): MetricResult[] {
  const set = new Set(gated);
  return metrics.map((m) => ({ ...m, gated: set.has(m.key) }));
}

/** A figure for JSON and comparisons: null where a statistic had nothing to work on (computeMedian's NaN). */
export function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${bytes / (1024 * 1024)}mib`;
  if (bytes >= 1024) return `${bytes / 1024}kib`;
  return `${bytes}b`;
}
