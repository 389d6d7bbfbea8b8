import type { Direction } from "@mlxbench/proto";

const TIME_UNIT = String.raw`(?:ns|us|µs|μs|ms|s|sec|secs|second|seconds|min|mins|minute|minutes|h|hr|hour|hours)`;
/** A rate: something per unit of time ("ops/sec", "MB/s", "iter/sec", "Evt/s"), or a frequency. */
const RATE = new RegExp(String.raw`(?:/\s*${TIME_UNIT}|\bper\s+${TIME_UNIT})\s*$|hz\s*$`, "i");

/**
 * Which way is better for a github-action-benchmark series: the custom tools say so; otherwise a
 * rate unit means higher is better and everything else (times per op, sizes, counts) lower.
 */
export function inferDirection(tool: string, unit: string): Direction {
  if (tool === "customBiggerIsBetter") return "higher_is_better";
  if (tool === "customSmallerIsBetter") return "lower_is_better";
  return RATE.test(unit.trim()) ? "higher_is_better" : "lower_is_better";
}
