import type { Stats } from "@mlxbench/proto";
import type { ConcurrencyPoint } from "../../results/index.js";
import { num, pct, table } from "./format.js";

/** `p50 / p90 / p95 / p99` of one metric in one cell, or n/a. */
function quantiles(s: Stats | null): string {
  return s ? [s.p50, s.p90, s.p95, s.p99].map((v) => num(v, 1)).join(" / ") : "n/a";
}

function errorsOf(byClass: Partial<Record<string, number>>): string {
  const parts = Object.entries(byClass).filter(([, n]) => (n ?? 0) > 0);
  return parts.length ? parts.map(([c, n]) => `${c} ${n}`).join(", ") : "0";
}

/** "Latency at each load": the full latency set of every concurrency level of the sweep. */
export function renderLatencyAtLoad(points: readonly ConcurrencyPoint[]): string[] {
  if (!points.length) return [];
  return [
    "### Latency at each load",
    "",
    "Each cell is p50 / p90 / p95 / p99 in ms, over every request of the level's repetitions. " +
      "Goodput is n/a unless an SLO is configured.",
    "",
    table(
      [
        "concurrency",
        "TTFT (ms)",
        "ITL (ms)",
        "TPOT (ms)",
        "E2E (ms)",
        "output tok/s",
        "req/s",
        "goodput req/s",
        "success",
        "errors",
      ],
      points.map(({ concurrency, latency: l }) => [
        concurrency,
        quantiles(l.ttftMs),
        quantiles(l.itlMs),
        quantiles(l.tpotMs),
        quantiles(l.e2eMs),
        num(l.outputTokensPerS, 1),
        num(l.requestsPerS),
        l.goodputRequestsPerS === null ? "n/a" : num(l.goodputRequestsPerS),
        pct(l.successRate),
        errorsOf(l.errorsByClass),
      ]),
    ),
    "",
  ];
}
