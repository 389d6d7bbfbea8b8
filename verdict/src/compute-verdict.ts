import { RESULT_SCHEMA_VERSION, RunResult, type MetricResult } from "@mlxbench/proto";
import { adjustHolm } from "./stats/index.js";
import {
  findSampleProblem,
  measureMetric,
  summarizeHistoryRun,
  type MeasuredMetric,
} from "./compare-metric.js";
import { classifyMetric } from "./classify-metric.js";
import { conclude, concludeFromMetrics } from "./conclude-verdict.js";
import { describeIdentityField, diffFingerprintIdentity } from "./fingerprint-identity.js";
import type { MetricOutcome, MetricVerdict, Verdict } from "./metric-verdict.js";
import type { VerdictConfig } from "./verdict-config.js";

export interface VerdictOptions {
  /** Why no baseline was found (chooseBaseline's detail), shown when `baseline` is null. */
  noBaselineDetail?: string;
  /**
   * The baseline's id in the archive, which names it in the verdict (links, compare); the suite's
   * own run id inside the result differs. Defaults to the result's run id when judged outside the archive.
   */
  baselineRunId?: string;
}

/**
 * The check's verdict for `current` against `baseline`, with `history` (default-branch runs of the
 * same fingerprint, any order; the baseline may be among them) supplying the run-to-run noise.
 * Pure: the same inputs always give the same verdict. Never throws on bad results; they become
 * "invalid_input" or per-metric outcomes.
 */
export function computeVerdict(
  current: unknown,
  baseline: unknown,
  history: readonly unknown[],
  config: VerdictConfig,
  options: VerdictOptions = {},
): Verdict {
  const cur = checkResult(current, "this run");
  if (!cur.ok) return conclude("neutral", "invalid_input", cur.reason, null, []);
  const run = cur.result;
  const criticalFailures = run.validation?.criticalFailures ?? [];
  const validationReason =
    criticalFailures.length > 0
      ? `validation failed critically: ${criticalFailures.join(", ")}`
      : null;

  if (baseline === null || baseline === undefined) {
    const why = options.noBaselineDetail !== undefined ? ` (${options.noBaselineDetail})` : "";
    if (validationReason !== null)
      return conclude("failure", "validation_failed", validationReason, null, []);
    return conclude("neutral", "no_baseline", `no comparable baseline${why}`, null, []);
  }
  const base = checkResult(baseline, "baseline");
  const baselineRef = (r: RunResult): Verdict["baseline"] => ({
    runId: options.baselineRunId ?? r.runId,
    commit: r.source.commit ?? null,
  });
  if (!base.ok) {
    if (validationReason !== null)
      return conclude("failure", "validation_failed", validationReason, null, []);
    return conclude("neutral", "invalid_input", base.reason, null, []);
  }
  const ref = base.result;
  const differing = diffFingerprintIdentity(run.fingerprint, ref.fingerprint);
  if (differing.length > 0) {
    if (validationReason !== null)
      return conclude("failure", "validation_failed", validationReason, null, []);
    const what = differing.map(describeIdentityField).join(", ");
    return conclude(
      "neutral",
      "no_baseline",
      `no comparable baseline: baseline ${ref.runId} was measured on ${what}`,
      null,
      [],
    );
  }

  const metrics = compareMetrics(run, ref, selectHistory(history, run, ref), config);
  const screen = concludeFromMetrics(metrics, validationReason);
  return conclude(screen.conclusion, screen.kind, screen.reason, baselineRef(ref), metrics);
}

function compareMetrics(
  run: RunResult,
  ref: RunResult,
  history: readonly RunResult[],
  config: VerdictConfig,
): MetricVerdict[] {
  const out: (MetricVerdict | MeasuredMetric)[] = [];
  const baselineByKey = new Map(ref.metrics.map((m) => [m.key, m]));
  const currentKeys = new Set<string>();
  for (const metric of run.metrics) {
    if (currentKeys.has(metric.key)) {
      out.push(
        skipMetric(
          metric,
          0,
          "invalid",
          `${metric.key} appears more than once in this run`,
          config,
        ),
      );
      continue;
    }
    currentKeys.add(metric.key);
    const gated =
      metric.gated &&
      (config.gatedMetrics === undefined || config.gatedMetrics.includes(metric.key));
    const before = baselineByKey.get(metric.key);
    if (before === undefined) {
      out.push(
        skipMetric(metric, 0, "new", `${metric.key} is new: not in the baseline`, config, gated),
      );
      continue;
    }
    if (before.direction !== metric.direction) {
      const reason = `${metric.key} changed direction (${before.direction} → ${metric.direction}); not comparable`;
      out.push(skipMetric(metric, before.samples.length, "invalid", reason, config, gated));
      continue;
    }
    const problem =
      findSampleProblem(metric.samples, "this run") ??
      findSampleProblem(before.samples, "the baseline");
    if (problem !== null) {
      out.push(
        skipMetric(
          metric,
          before.samples.length,
          problem.outcome,
          `${metric.key}: ${problem.reason}`,
          config,
          gated,
        ),
      );
      continue;
    }
    const series = history
      .map((r) => summarizeHistoryRun(r.metrics.find((m) => m.key === metric.key)))
      .filter((v): v is number => v !== null);
    const recent = history
      .slice(-config.levelWindow)
      .map((r) => r.metrics.find((m) => m.key === metric.key)?.samples ?? [])
      .filter((samples) => findSampleProblem(samples, "history") === null);
    out.push(measureMetric(metric, before, series, recent, gated, config));
  }
  for (const before of ref.metrics) {
    if (currentKeys.has(before.key)) continue;
    const gated =
      before.gated &&
      (config.gatedMetrics === undefined || config.gatedMetrics.includes(before.key));
    const missing: MetricResult = { ...before, samples: [] };
    out.push(
      skipMetric(
        missing,
        before.samples.length,
        "missing",
        `${before.key} is missing from this run (present in the baseline)`,
        config,
        gated,
      ),
    );
  }

  const measured = out.filter((m): m is MeasuredMetric => "worse" in m);
  // Two families, each Holm-corrected: the check fails on regressions, so their family alone bounds its false alarms.
  const worse = adjustHolm(measured.map((m) => m.verdict.evidence?.worseP ?? Number.NaN));
  const better = adjustHolm(measured.map((m) => m.verdict.evidence?.betterP ?? Number.NaN));
  const decided = new Map(
    measured.map((m, i) => [
      m,
      classifyMetric(
        m,
        { worse: worse[i] ?? Number.NaN, better: better[i] ?? Number.NaN },
        measured.length,
        config,
      ),
    ]),
  );
  return out.map((m) => ("worse" in m ? (decided.get(m) ?? m.verdict) : m));
}

function skipMetric(
  metric: MetricResult,
  baselineSamples: number,
  outcome: MetricOutcome,
  reason: string,
  config: VerdictConfig,
  gated = metric.gated,
): MetricVerdict {
  return {
    key: metric.key,
    unit: metric.unit,
    direction: metric.direction,
    gated,
    outcome,
    reason,
    thresholdPct: config.thresholdsPct[metric.key] ?? config.defaultThresholdPct,
    samples: { current: metric.samples.length, baseline: baselineSamples },
    change: null,
    evidence: null,
    moreSamplesNeeded: null,
    mdePct: null,
    needsConfirmation: false,
    confirmation: null,
  };
}

/** Default-branch runs comparable with the baseline, up to it, oldest first, ending with the baseline. */
function selectHistory(history: readonly unknown[], run: RunResult, ref: RunResult): RunResult[] {
  const until = Date.parse(ref.finishedAt);
  const usable = history
    .map((h) => RunResult.safeParse(h))
    .flatMap((p) => (p.success ? [p.data] : []))
    .filter(
      (h) =>
        h.runId !== run.runId &&
        h.runId !== ref.runId &&
        Date.parse(h.finishedAt) <= until &&
        diffFingerprintIdentity(h.fingerprint, ref.fingerprint).length === 0,
    )
    .sort((a, b) => Date.parse(a.finishedAt) - Date.parse(b.finishedAt));
  return [...usable, ref];
}

function checkResult(
  input: unknown,
  which: string,
): { ok: true; result: RunResult } | { ok: false; reason: string } {
  const version = isObject(input) ? input.schemaVersion : undefined;
  if (!isObject(input) || version !== RESULT_SCHEMA_VERSION) {
    return {
      ok: false,
      reason: `${which} has result schema version ${String(version)}, this verdict reads version ${RESULT_SCHEMA_VERSION}`,
    };
  }
  // Samples are checked per metric (NaN, Infinity, null from JSON), so one bad sample costs one
  // metric a specific outcome instead of the whole run; the schema checks everything else.
  const metrics = input.metrics;
  const rawSamples = Array.isArray(metrics) ? metrics.map(readRawSamples) : [];
  const stripped = Array.isArray(metrics)
    ? {
        ...input,
        metrics: metrics.map((m: unknown) =>
          isObject(m) ? { ...m, samples: [], stats: null } : m,
        ),
      }
    : input;
  const parsed = RunResult.safeParse(stripped);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where =
      first === undefined ? "" : `${first.path.map(String).join(".")}: ${first.message}`;
    return { ok: false, reason: `${which} is not a valid run result (${where})` };
  }
  const result = parsed.data;
  const withSamples = result.metrics.map((m, i) => ({ ...m, samples: rawSamples[i] ?? [] }));
  const badSamples = result.metrics.findIndex((_, i) => rawSamples[i] === null);
  if (badSamples >= 0) {
    return {
      ok: false,
      reason: `${which} is not a valid run result (metrics.${badSamples}.samples: expected an array)`,
    };
  }
  return { ok: true, result: { ...result, metrics: withSamples } };
}

/** A metric's samples as numbers, with anything that is not a finite number kept as NaN; null when not an array. */
function readRawSamples(metric: unknown): number[] | null {
  if (!isObject(metric) || !Array.isArray(metric.samples)) return null;
  return metric.samples.map((v: unknown) => (typeof v === "number" ? v : Number.NaN));
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null;
}
