import type { CompareResult, ModeMeasurement } from "../../results/index.js";
import { computeMedian } from "@mlxbench/verdict/stats";
import { bullets, num, pct, table } from "./format.js";

export function renderPerformanceReport(p: CompareResult, chart?: string): string {
  const f = p.figures;
  const row = (m: ModeMeasurement | null, name: string): (string | number | null)[] =>
    m
      ? [
          name,
          m.apiUrl,
          m.deviceCount,
          num(computeMedian(m.outputTokensPerS), 1),
          num(computeMedian(m.e2eMs), 0),
          pct(m.successRate),
          m.memoryPerDeviceMb === null ? "not available" : num(m.memoryPerDeviceMb, 0),
          m.costPerHour === null ? "not configured" : `${num(m.costPerHour)} ${p.currency}`,
          m.tokensPerCurrency === null ? "n/a" : num(m.tokensPerCurrency, 0),
        ]
      : [name, "not measured", null, null, null, null, null, null, null];
  const out = [
    "# Performance comparison: single device vs distributed",
    "",
    `Started ${p.startedAt} · finished ${p.finishedAt}. Both modes are measured with the same load; nothing is simulated.`,
    "",
    table(
      [
        "mode",
        "API",
        "devices",
        "output tokens/s (median)",
        "e2e p50 (ms)",
        "success rate",
        "memory per device (MB)",
        "cost per hour",
        `tokens per ${p.currency}`,
      ],
      [row(p.distributed, "distributed"), row(p.singleDevice, "single device")],
    ),
    "",
  ];
  if (p.baselineNote) out.push(`> **${p.baselineNote}**`, "");
  out.push(
    "## Figures",
    "",
    table(
      ["figure", "value", "threshold"],
      [
        [
          "throughput improvement",
          f.throughputImprovement === null ? "not measured" : `${num(f.throughputImprovement)}×`,
          "> 1.5×",
        ],
        [
          "latency factor (distributed / single)",
          f.latencyFactor === null ? "not measured" : `${num(f.latencyFactor)}×`,
          "—",
        ],
        [
          "scaling efficiency",
          f.scalingEfficiencyPct === null ? "not measured" : `${num(f.scalingEfficiencyPct, 0)} %`,
          "> 70 %",
        ],
        [
          "cost-effectiveness (tokens per cost, distributed / single)",
          f.costEffectiveness === null
            ? "not measured (set costs in the config)"
            : `${num(f.costEffectiveness)}×`,
          "—",
        ],
      ],
    ),
    "",
  );
  if (chart) out.push(`![single device vs distributed](${chart})`, "");
  if (p.previousRun) {
    out.push(
      "## Against the earlier run",
      "",
      p.previousRun.note,
      "",
      table(
        [
          "metric",
          "baseline median",
          "current median",
          "unit",
          "change (worse +)",
          "threshold",
          "gated",
          "result",
        ],
        p.previousRun.deltas.map((d) => [
          d.key,
          num(d.baselineMedian, 3),
          num(d.currentMedian, 3),
          d.unit,
          `${d.worsePct >= 0 ? "+" : ""}${num(d.worsePct, 1)} %`,
          `${d.thresholdPct} %`,
          d.gated ? "yes" : "no",
          d.regressed ? "REGRESSED" : "ok",
        ]),
      ),
      "",
    );
  }
  out.push("## Errors", "", bullets(p.errors), "", "## Warnings", "", bullets(p.warnings), "");
  return out.join("\n");
}
