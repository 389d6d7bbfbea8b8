import type { ComponentOutcome, Readiness } from "@mlxbench/proto";
import { computeMedian } from "@mlxbench/verdict/stats";
import type {
  CommunicationResult,
  ComprehensiveResult,
  CompareResult,
  ValidationResult,
} from "./results/index.js";

/** The seed README's thresholds. */
export const THRESHOLDS = {
  throughputImprovement: 1.5,
  scalingEfficiencyPct: 70,
  successRate: 0.95,
  grpcOverheadPct: 25,
  /** Below this raw TCP round trip (ms) the link is loopback-fast: a percentage of it says little. */
  fastLinkRawRttMs: 0.2,
  /**
   * On such a link without a reference measured, gRPC is judged by the time it adds to a call
   * (ms), not by a percentage. An uncalibrated bound: the reference below replaces it.
   */
  grpcAddedMsPerCall: 1,
  /**
   * On loopback, the time the cluster's gRPC adds to a call may be at most this many times what a
   * bare grpc-js server with a no-op handler adds in the same run (docs/suite.md, "gRPC overhead").
   */
  grpcAddedVsReference: 1.5,
} as const;

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

/**
 * gRPC's overhead over raw TCP. On a fast link (raw round trip under 0.2 ms, e.g. loopback) a
 * fixed cost of HTTP/2 framing is hundreds of percent of almost nothing, so the time added per call
 * is judged: against a bare grpc-js server measured beside the cluster when there is one (at most
 * 1.5× what it adds), else against a fixed 1 ms. On a real network by the seed's percentage (< 25 %).
 */
export function judgeGrpcOverhead(rt: {
  overheadPct: number;
  category: string;
  unaryRttMs: readonly number[];
  rawRttMs: readonly number[];
  /** host:port measured; a loopback address is judged as loopback however slow a loaded machine made it. */
  target?: string;
  /** The same call and PING to a bare grpc-js server on loopback, in the same run. */
  reference?: { unaryRttMs: readonly number[]; rawRttMs: readonly number[] };
}): { ok: boolean; line: string } {
  const unary = computeMedian([...rt.unaryRttMs]);
  const raw = computeMedian([...rt.rawRttMs]);
  const measured = `unary ${fmt(unary)} ms vs raw TCP ${fmt(raw)} ms`;
  const onLoopback = rt.target !== undefined && isLoopbackTarget(rt.target);
  if (unary !== null && raw !== null && (onLoopback || raw < THRESHOLDS.fastLinkRawRttMs)) {
    const added = unary - raw;
    const why = onLoopback
      ? `${rt.target ?? ""} is loopback`
      : `a raw round trip under ${THRESHOLDS.fastLinkRawRttMs} ms is loopback-fast`;
    const refUnary = rt.reference ? computeMedian([...rt.reference.unaryRttMs]) : null;
    const refRaw = rt.reference ? computeMedian([...rt.reference.rawRttMs]) : null;
    if (refUnary !== null && refRaw !== null && refUnary - refRaw > 0) {
      const refAdded = refUnary - refRaw;
      const ratio = added / refAdded;
      const limit = THRESHOLDS.grpcAddedVsReference;
      const line = `gRPC adds ${fmt(added)} ms per call, ${ratio.toFixed(2)}× the ${fmt(refAdded)} ms a bare grpc-js server adds on this machine (${measured}; the bare server: unary ${fmt(refUnary)} ms vs raw TCP ${fmt(refRaw)} ms, measured between the cluster's calls; ${why})`;
      return ratio <= limit
        ? { ok: true, line: `${line} ≤ ${limit}×` }
        : {
            ok: false,
            line: `${line}, above ${limit}×: the cluster's gRPC path costs more per call than gRPC itself`,
          };
    }
    const line = `gRPC adds ${fmt(added)} ms per call (${measured}; ${why}, so the added time is judged, not the ${rt.overheadPct.toFixed(0)} %; no bare gRPC reference measured, so against a fixed bound)`;
    return added < THRESHOLDS.grpcAddedMsPerCall
      ? { ok: true, line: `${line} < ${THRESHOLDS.grpcAddedMsPerCall} ms` }
      : { ok: false, line: `${line}, not below ${THRESHOLDS.grpcAddedMsPerCall} ms` };
  }
  const line = `gRPC overhead ${rt.overheadPct.toFixed(0)} % (${rt.category}; ${measured})`;
  return rt.overheadPct < THRESHOLDS.grpcOverheadPct
    ? { ok: true, line: `${line} < ${THRESHOLDS.grpcOverheadPct} %` }
    : { ok: false, line: `${line}, not below ${THRESHOLDS.grpcOverheadPct} %` };
}

/** 127.0.0.0/8, ::1 or localhost: no network between client and server. */
export function isLoopbackTarget(target: string): boolean {
  const host = target
    .replace(/:\d+$/, "")
    .replace(/^\[(.*)\]$/, "$1")
    .toLowerCase();
  return host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
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

function fmt(x: number | null): string {
  if (x === null || !Number.isFinite(x)) return "n/a";
  return Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 1 ? x.toFixed(2) : x.toPrecision(2);
}
