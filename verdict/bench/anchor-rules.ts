// The anchors' regression rules, applied to one metric's per-run values (means or recorded values).
import type { Direction } from "@mlxbench/proto";
import { computeMean, computeStdDev, studentTQuantile } from "../src/stats/index.js";

export const ANCHORS = ["github-action-benchmark", "codspeed", "conbench", "bencher"] as const;
export type Anchor = (typeof ANCHORS)[number];

const bencherT = studentTQuantile(0.99, 63);

/** Which anchors flag `now` as a regression against `history` (oldest first, ending with the baseline). */
export function flagByAnchors(
  direction: Direction,
  history: readonly number[],
  now: number,
): Set<Anchor> {
  const flagged = new Set<Anchor>();
  const worse = (a: number, b: number): number => (direction === "lower_is_better" ? a - b : b - a);
  const previous = history[history.length - 1] ?? Number.NaN;
  // github-action-benchmark: alert when the ratio against the previous value reaches 200 %.
  const ratio = direction === "lower_is_better" ? now / previous : previous / now;
  if (ratio >= 2) flagged.add("github-action-benchmark");
  // CodSpeed: a flat 10 % on the mean.
  if (worse(now, previous) / previous > 0.1) flagged.add("codspeed");
  // Conbench: z-score against the last 100 baseline values beyond 5.
  const last100 = history.slice(-100);
  if (last100.length >= 2) {
    const z = worse(now, computeMean(last100)) / computeStdDev(last100);
    if (z > 5) flagged.add("conbench");
  }
  // Bencher: outside the 99 % Student-t prediction limit of the last 64 values.
  const last64 = history.slice(-64);
  if (last64.length >= 2) {
    const limit = bencherT * computeStdDev(last64) * Math.sqrt(1 + 1 / last64.length);
    if (worse(now, computeMean(last64)) > limit) flagged.add("bencher");
  }
  return flagged;
}
