import type { ComponentOutcome, Readiness } from "@mlxbench/proto";
import type {
  CommunicationResult,
  ComprehensiveResult,
  CompareResult,
  ValidationResult,
} from "./results/index.js";
import { THRESHOLDS } from "./readiness-thresholds.js";
import { fmt, judgeGrpcOverhead } from "./judge-grpc-overhead.js";

export { THRESHOLDS } from "./readiness-thresholds.js";
export { isLoopbackTarget, judgeGrpcOverhead } from "./judge-grpc-overhead.js";

export interface ReadinessInput {
  /** The cluster never answered: nothing could be measured. */
  unreachable: string | null;
  validation: ValidationResult | null;
  comprehensive: ComprehensiveResult | null;
  performance: CompareResult | null;
  communication: CommunicationResult | null;
  components: ComponentOutcome[];
  /** Success-rate floor from the config. */
  minSuccessRate: number;
  /** Warnings of the measurement itself (client-limited, TTFT not measurable, …). */
  measurementWarnings: string[];
  /** Components this run set out to run (default all): absent ones are not judged or warned about. */
  judged?: ReadonlySet<ComponentOutcome["name"]>;
}

export interface ReadinessAssessment extends Readiness {
  critical: string[];
  exitCode: 0 | 1 | 2;
  /** Successful / attempted inference requests over the whole run. */
  successRate: { ok: number; attempted: number } | null;
}

const pct = (x: number, digits = 1): string => `${(x * 100).toFixed(digits)} %`;

/**
 * Deployment readiness by the contract's rules, judging performance only by what was measured:
 * an unmeasured figure is a warning, never a green light. Exit code 2 for critical failures
 * (cluster unreachable, a critical fix failed), 1 for other blocking issues or components that
 * failed, 0 otherwise.
 */
export function assessReadiness(input: ReadinessInput): ReadinessAssessment {
  const blocking: string[] = [];
  const warnings: string[] = [];
  const greenLights: string[] = [];
  const critical: string[] = [];
  const judged = (name: ComponentOutcome["name"]): boolean =>
    input.judged === undefined || input.judged.has(name);

  if (input.unreachable) {
    critical.push(input.unreachable);
    blocking.push(input.unreachable);
  }

  // validation and its fixes
  const v = input.validation;
  if (v) {
    for (const f of v.summary.fixes) {
      if (f.status === "FAIL" && f.critical) {
        const line = `critical fix ${f.name} failed: ${f.message}`;
        critical.push(line);
        blocking.push(line);
      } else if (f.status === "FAIL") warnings.push(`fix ${f.name} failed: ${f.message}`);
      else if (f.status === "SKIPPED") warnings.push(`fix ${f.name} not verified: ${f.message}`);
    }
    if (v.summary.status === "PASS") {
      const passed = v.summary.fixes.filter((f) => f.critical && f.status === "PASS").length;
      const applicable = v.summary.fixes.filter(
        (f) => f.critical && f.status !== "NOT_APPLICABLE",
      ).length;
      greenLights.push(`validation PASS: ${passed} of ${applicable} critical fixes verified`);
    }
  } else if (!input.unreachable && judged("validation")) {
    const outcome = input.components.find((c) => c.name === "validation");
    if (outcome?.status !== "failed") {
      warnings.push(
        `validation ${outcome?.status === "skipped" ? "skipped" : "did not run"}: the critical fixes were not verified`,
      );
    }
  }

  // success rate over every inference request of the run
  const counts = countRequests(input);
  if (counts && counts.attempted > 0) {
    const rate = counts.ok / counts.attempted;
    const floor = input.minSuccessRate;
    const line = `success rate ${pct(rate)} (${counts.ok} of ${counts.attempted} requests)`;
    if (rate < floor)
      blocking.push(`${line} is below ${pct(floor, 0)}${describeErrorClasses(input)}`);
    else greenLights.push(`${line} ≥ ${pct(floor, 0)}`);
  }

  // single device vs distributed
  const p = input.performance;
  if (p) {
    const f = p.figures;
    if (f.throughputImprovement === null) {
      warnings.push(
        `distributed performance not judged: ${p.baselineNote ?? "the comparison produced no figures"}`,
      );
    } else {
      // A client that could not keep up caps the distributed figure first: say so beside the shortfall.
      const capped = (p.warnings ?? []).some((w) =>
        w.startsWith("distributed: client-limited measurement"),
      )
        ? " (a lower bound: the distributed load was client-limited, see below)"
        : "";
      const line = `throughput improvement ${f.throughputImprovement.toFixed(2)}× over one device`;
      if (f.throughputImprovement > THRESHOLDS.throughputImprovement)
        greenLights.push(`${line} > ${THRESHOLDS.throughputImprovement}×`);
      else warnings.push(`${line}, not above ${THRESHOLDS.throughputImprovement}×${capped}`);
      if (f.scalingEfficiencyPct !== null) {
        const s = `scaling efficiency ${f.scalingEfficiencyPct.toFixed(0)} %`;
        if (f.scalingEfficiencyPct > THRESHOLDS.scalingEfficiencyPct)
          greenLights.push(`${s} > ${THRESHOLDS.scalingEfficiencyPct} %`);
        else warnings.push(`${s}, not above ${THRESHOLDS.scalingEfficiencyPct} %${capped}`);
      }
    }
    for (const d of p.previousRun?.deltas ?? []) {
      if (!d.regressed) continue;
      const line = `${d.key} regressed ${d.worsePct.toFixed(1)} % against ${p.previousRun?.dir ?? "the baseline"} (median ${fmt(d.baselineMedian)} → ${fmt(d.currentMedian)} ${d.unit}; threshold ${d.thresholdPct} %)`;
      if (d.gated) blocking.push(line);
    }
    const gated = (p.previousRun?.deltas ?? []).filter((d) => d.gated);
    if (p.previousRun && gated.length && !gated.some((d) => d.regressed)) {
      greenLights.push(
        `no gated metric regressed against ${p.previousRun.dir} (${gated.length} compared)`,
      );
    }
  } else if (judged("performance")) {
    warnings.push("single device vs distributed not compared");
  }

  // communication overhead
  const c = input.communication;
  const primary = c?.roundTrips[0];
  if (primary) {
    const grpc = judgeGrpcOverhead(primary);
    (grpc.ok ? greenLights : warnings).push(grpc.line);
  } else if (input.components.some((x) => x.name === "communication" && x.status === "skipped")) {
    warnings.push("communication skipped: gRPC overhead not measured");
  } else if (
    !input.unreachable &&
    !input.components.some((x) => x.name === "communication" && x.status === "not_applicable") &&
    judged("communication") &&
    !input.components.some((x) => x.name === "communication" && x.status === "failed")
  ) {
    warnings.push("gRPC overhead not measured");
  }

  for (const comp of input.components) {
    if (comp.status === "failed")
      warnings.push(`${comp.name} did not complete: ${comp.message ?? "failed"}`);
  }
  warnings.push(...condenseWarnings(input.measurementWarnings));

  const verdict = blocking.length ? "NOT_READY" : warnings.length ? "READY_WITH_CAUTION" : "READY";
  const failedComponents = input.components.some((x) => x.status === "failed");
  const exitCode: 0 | 1 | 2 = critical.length ? 2 : blocking.length || failedComponents ? 1 : 0;
  return {
    verdict,
    blocking,
    warnings: [...new Set(warnings)],
    greenLights,
    critical,
    exitCode,
    successRate: counts,
  };
}

/** One line per kind of calibration warning (each load repeats it with its own figures): the worst one and a count. */
export function condenseWarnings(warnings: readonly string[]): string[] {
  const out: string[] = [];
  const clientLimited = warnings.filter((w) => w.includes("client-limited measurement"));
  for (const w of warnings) if (!clientLimited.includes(w) && !out.includes(w)) out.push(w);
  if (clientLimited.length) {
    const ratio = (w: string): number => Number(/ is (\d+)%/.exec(w)?.[1] ?? 0);
    const worst = [...clientLimited].sort((a, b) => ratio(b) - ratio(a))[0] ?? "";
    out.push(
      clientLimited.length > 1
        ? `${worst} (${clientLimited.length} loads were client-limited; this is the worst)`
        : worst,
    );
  }
  return out;
}

function countRequests(input: ReadinessInput): { ok: number; attempted: number } | null {
  let ok = 0;
  let attempted = 0;
  const add = (records: readonly { ok: boolean; error?: string }[] | undefined): void => {
    for (const r of records ?? []) {
      if (r.error?.startsWith("aborted")) continue;
      attempted++;
      if (r.ok) ok++;
    }
  };
  add(input.validation?.basicInference?.records);
  add(input.validation?.concurrentInference?.records);
  add(input.comprehensive?.latency?.records);
  for (const pt of input.comprehensive?.throughput ?? []) {
    ok += pt.ok;
    attempted += pt.attempted;
  }
  return attempted ? { ok, attempted } : null;
}

function describeErrorClasses(input: ReadinessInput): string {
  const counts = new Map<string, number>();
  const add = (records: readonly { error?: string }[] | undefined): void => {
    for (const r of records ?? []) {
      if (!r.error) continue;
      const key = r.error.split(":")[0] ?? r.error;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  };
  add(input.validation?.basicInference?.records);
  add(input.validation?.concurrentInference?.records);
  add(input.comprehensive?.latency?.records);
  if (counts.size === 0) return "";
  return ` (errors: ${[...counts].map(([k, n]) => `${k} ×${n}`).join(", ")})`;
}
