import type { RunResult } from "@mlxbench/proto";
import { judgeGrpcOverhead, type ReadinessAssessment } from "../../assess-readiness.js";
import { computeMedian } from "@mlxbench/verdict/stats";
import type { RoundTripFigures, SuiteReports } from "../../results/index.js";
import { bullets, num, pct, table } from "./format.js";

const VERDICT_LINE: Record<RunResult["readiness"]["verdict"], string> = {
  READY: "READY — go: every check passed and every threshold was met by a measured figure.",
  READY_WITH_CAUTION: "READY WITH CAUTION — go, after reading the warnings below.",
  NOT_READY: "NOT READY — no go: resolve the blocking issues below.",
};

/** The main report a person reads first: status, go/no-go, key figures, what to do next. */
export function renderExecutiveSummary(
  run: RunResult,
  readiness: ReadinessAssessment,
  reports: SuiteReports,
  files: Record<string, string>,
): string {
  const f = run.fingerprint;
  const metric = (key: string) => run.metrics.find((m) => m.key === key);
  const p50 = (key: string): string => num(metric(key)?.stats?.p50 ?? null);
  const figures: (string | number | null)[][] = [
    ["end-to-end latency p50", `${p50("inference.e2e_ms")} ms`],
    [
      "time to first token p50",
      metric("inference.ttft_ms")?.stats ? `${p50("inference.ttft_ms")} ms` : "not measurable",
    ],
    [
      "time per output token p50",
      metric("inference.tpot_ms")?.stats ? `${p50("inference.tpot_ms")} ms` : "not measurable",
    ],
    [
      "output tokens/s (concurrent)",
      num(computeMedian(metric("throughput.output_tokens_per_s")?.samples ?? []), 1),
    ],
    [
      "success rate",
      readiness.successRate
        ? pct(readiness.successRate.ok / Math.max(1, readiness.successRate.attempted))
        : "not measured",
    ],
  ];
  const perf = reports.performance;
  if (perf) {
    const fig = perf.figures;
    figures.push(
      [
        "throughput improvement over one device",
        fig.throughputImprovement === null
          ? "no baseline measured"
          : `${num(fig.throughputImprovement)}×`,
      ],
      [
        "scaling efficiency",
        fig.scalingEfficiencyPct === null
          ? "no baseline measured"
          : `${num(fig.scalingEfficiencyPct, 0)} %`,
      ],
      [
        "latency factor (distributed / single)",
        fig.latencyFactor === null ? "no baseline measured" : `${num(fig.latencyFactor)}×`,
      ],
    );
  }
  const rt = reports.communication?.roundTrips[0];
  if (rt) figures.push(grpcFigure(rt));

  const recommendations: string[] = [];
  if (readiness.critical.length)
    recommendations.push(
      "Fix the critical failures first: no other figure is trustworthy while they stand.",
    );
  if (readiness.blocking.some((b) => b.startsWith("success rate"))) {
    recommendations.push(
      "Investigate the failing requests (errors by class are in the validation and comprehensive reports).",
    );
  }
  if (readiness.blocking.some((b) => b.includes("regressed")))
    recommendations.push("Profile the regressed metrics against the baseline run before merging.");
  if (perf?.baselineNote)
    recommendations.push(
      "Configure a single-device target (cluster.single-device in .mlxbench.yml) so scaling is measured, not assumed.",
    );
  if (rt && !judgeGrpcOverhead(rt).ok) {
    recommendations.push(
      "gRPC costs a large share of a round trip: batch small tensors or keep streams open between devices.",
    );
  }
  if (readiness.warnings.some((w) => w.includes("not measurable")))
    recommendations.push(
      "Enable streaming on the server so TTFT and inter-token latency can be measured.",
    );
  if (readiness.warnings.some((w) => w.includes("client-limited measurement"))) {
    recommendations.push(
      "Run the suite from a less loaded machine: the client's own delays showed in the latencies (see the warnings).",
    );
  }
  if (!recommendations.length)
    recommendations.push(
      "No action needed; keep this run as the baseline for the next comparison.",
    );

  const componentRows = run.components.map((c) => [
    c.name,
    c.status,
    num(c.durationMs / 1000, 1),
    c.message ?? "",
  ]);
  return [
    "# Executive summary",
    "",
    `**Overall status: ${run.readiness.verdict}** (exit code ${run.exitCode})`,
    "",
    VERDICT_LINE[run.readiness.verdict],
    "",
    `Run ${run.runId} · ${run.startedAt} → ${run.finishedAt}`,
    describeSource(run.source),
    `Cluster: ${f.clusterMode}, ${f.deviceCount} devices (${f.devices.join(", ") || "not reported"}) · model ${f.model} · hardware ${f.hardware}`,
    `Suite options hash ${f.suiteOptionsHash}${f.suiteOptions["quick"] ? " (quick mode)" : ""}`,
    "",
    "## Deployment readiness",
    "",
    "### Blocking issues",
    "",
    bullets(run.readiness.blocking),
    "",
    "### Warnings",
    "",
    bullets(run.readiness.warnings),
    "",
    "### Green lights",
    "",
    bullets(run.readiness.greenLights),
    "",
    "## Key figures",
    "",
    table(["figure", "value"], figures),
    "",
    "## Top recommendations",
    "",
    recommendations.map((r, i) => `${i + 1}. ${r}`).join("\n"),
    "",
    "## Components",
    "",
    table(["component", "status", "time (s)", "note"], componentRows),
    "",
    "## Files",
    "",
    "Relative to the output directory.",
    "",
    bullets(Object.entries(files).map(([k, v]) => `${k}: \`${v}\``)),
    "",
  ].join("\n");
}

/** The measured code: commit (and branch, PR) when known, or that it was not recorded. */
export function describeSource(s: RunResult["source"]): string {
  if (!s.commit) return "Commit: not recorded (the suite was not run in a git checkout)";
  const where = [
    s.repository,
    s.branch ? `branch ${s.branch}` : undefined,
    s.pullRequest ? `PR #${s.pullRequest}` : undefined,
  ].filter(Boolean);
  return `Commit \`${s.commit.slice(0, 12)}\`${where.length ? ` (${where.join(", ")})` : ""}`;
}

/**
 * The gRPC row of the key figures: with a bare grpc-js reference measured beside the cluster, the
 * time each adds per call and their ratio (what readiness judged); otherwise the contract's percentage.
 */
export function grpcFigure(rt: RoundTripFigures): [string, string] {
  const unary = computeMedian(rt.unaryRttMs);
  const raw = computeMedian(rt.rawRttMs);
  const refUnary = rt.reference ? computeMedian(rt.reference.unaryRttMs) : null;
  const refRaw = rt.reference ? computeMedian(rt.reference.rawRttMs) : null;
  if (unary !== null && raw !== null && refUnary !== null && refRaw !== null) {
    const added = unary - raw;
    const refAdded = refUnary - refRaw;
    return [
      "gRPC time added per call (cluster / bare grpc-js server on this machine)",
      `${num(added, 2)} ms / ${num(refAdded, 2)} ms (${num(added / refAdded, 2)}×)`,
    ];
  }
  return ["gRPC overhead over raw TCP", `${num(rt.overheadPct, 0)} % (${rt.category})`];
}
