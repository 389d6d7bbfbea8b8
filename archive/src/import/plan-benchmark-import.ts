import { basename } from "node:path";
import { RunResult, type Direction, type Fingerprint, type MetricResult } from "@mlxbench/proto";
import { checkSegment } from "../archive-keys.js";
import { RunMeta } from "../run-meta.js";
import { HistoryImportError } from "./history-import-error.js";
import {
  componentOf,
  computeStats,
  importedFingerprint,
  measureSeries,
  type ImportPlan,
  type MetricReport,
  type PlannedRun,
} from "./import-plan.js";
import {
  assignKeys,
  checkDirectionNames,
  type DirectionOverride,
  type MetricMapping,
  type Series,
} from "./assign-metric-keys.js";
import { inferDirection } from "./infer-direction.js";
import type { BenchmarkData } from "./parse-benchmark-data.js";

export interface BenchmarkImportOptions {
  repository: string;
  defaultBranch: string;
  /** Attached to every run; null marks the runs as imported (importedFingerprint). */
  fingerprint: Fingerprint | null;
  metrics: readonly MetricMapping[];
  directions: readonly DirectionOverride[];
  private: boolean;
  /** The file read, named in errors and in each run's reason. */
  source: string;
}

export { namespacedKey, type DirectionOverride, type MetricMapping } from "./assign-metric-keys.js";

const KIND = "github-action-benchmark";
const RUN_ID_SUFFIX = "data-js";
export const IMPORT_TRIGGER = "import";
export const IMPORT_REQUESTED_BY = "mlxbench history import";

interface Commit {
  id: string;
  order: number;
  startedAt: number;
  finishedAt: number;
  suites: Set<string>;
  tools: Set<string>;
}

/**
 * Turns a parsed data.js into one default-branch run per commit: every bench a metric (mapped
 * or under `imported.{suite}.{bench}`), its samples the commit's values (one value is repeated to
 * the two samples the verdict needs). Pure; throws HistoryImportError on input it cannot use,
 * before anything is written. Zero, negative and non-numeric values are skipped and counted; a
 * series whose unit changes is marked invalid and left out.
 */
export function planBenchmarkImport(
  data: BenchmarkData,
  options: BenchmarkImportOptions,
): ImportPlan {
  const fail = (why: string): never => {
    throw new HistoryImportError(`${options.source}: ${why}`);
  };
  const series = new Map<string, Series>();
  const commits = new Map<string, Commit>();
  for (const [suite, entries] of Object.entries(data.entries)) {
    entries.forEach((entry, i) => {
      const id = entry.commit.id;
      try {
        checkSegment("commit id", id);
      } catch (err) {
        fail(`entries.${suite}.${i}: ${(err as Error).message}`);
      }
      const c = commits.get(id) ?? {
        id,
        order: commits.size,
        startedAt: entry.date,
        finishedAt: entry.date,
        suites: new Set<string>(),
        tools: new Set<string>(),
      };
      c.startedAt = Math.min(c.startedAt, entry.date);
      c.finishedAt = Math.max(c.finishedAt, entry.date);
      c.suites.add(suite);
      c.tools.add(entry.tool);
      commits.set(id, c);
      for (const b of entry.benches) {
        const sk = JSON.stringify([suite, b.name]);
        const s = series.get(sk) ?? { suite, name: b.name, tool: entry.tool, points: [] };
        s.points.push({ commit: id, entry: i, value: b.value, unit: b.unit });
        series.set(sk, s);
      }
    });
  }
  const keys = assignKeys([...series.values()], options.metrics, fail);
  checkDirectionNames([...series.values()], keys, options.directions, fail);

  const reports: MetricReport[] = [];
  /** Per metric key, per commit: the usable values. */
  const values = new Map<
    string,
    { series: Series; direction: Direction; byCommit: Map<string, number[]> }
  >();
  for (const s of series.values()) {
    const key = keys.get(s) ?? "";
    const unit = s.points[0]?.unit ?? "";
    const override = options.directions.find(
      (d) => d.name === s.name || d.name === `${s.suite}/${s.name}` || d.name === key,
    );
    const direction = override?.direction ?? inferDirection(s.tool, unit);
    const report: MetricReport = {
      key,
      origin: `${s.suite} / ${s.name}`,
      unit,
      direction,
      points: 0,
      skippedPoints: 0,
      noisePct: null,
      invalid: null,
    };
    reports.push(report);
    const changed = s.points.find((p) => p.unit !== unit);
    if (changed !== undefined) {
      report.invalid = `unit changed from ${JSON.stringify(unit)} to ${JSON.stringify(changed.unit)} at commit ${changed.commit.slice(0, 12)} (entries.${s.suite}.${changed.entry}); import it under two names or fix the file`;
      continue;
    }
    const byCommit = new Map<string, number[]>();
    let zeros = 0;
    let notNumbers = 0;
    for (const p of s.points) {
      if (typeof p.value !== "number" || !Number.isFinite(p.value)) notNumbers++;
      else if (p.value <= 0) zeros++;
      else byCommit.set(p.commit, [...(byCommit.get(p.commit) ?? []), p.value]);
    }
    report.skippedPoints = zeros + notNumbers;
    if (byCommit.size === 0) {
      report.invalid = `no usable value: ${describeSkipped(zeros, notNumbers)}`;
      continue;
    }
    values.set(key, { series: s, direction, byCommit });
  }

  const fingerprint = options.fingerprint ?? importedFingerprint(KIND);
  const file = basename(options.source);
  const ordered = [...commits.values()].sort(
    (a, b) => a.finishedAt - b.finishedAt || a.order - b.order,
  );
  const runIds = new Map<string, string>();
  const runs: PlannedRun[] = [];
  for (const c of ordered) {
    const runId = `${IMPORT_TRIGGER}-${c.id.slice(0, 12)}-${RUN_ID_SUFFIX}`;
    const clash = runIds.get(runId);
    if (clash !== undefined) fail(`commits ${clash} and ${c.id} share the run id ${runId}`);
    runIds.set(runId, c.id);
    const metrics: MetricResult[] = [];
    for (const [key, v] of [...values].sort(([a], [b]) => a.localeCompare(b))) {
      const at = v.byCommit.get(c.id);
      if (at === undefined) continue;
      // One value per commit is the common case; the verdict needs two samples per run.
      const samples = at.length >= 2 ? at : [at[0] ?? 0, at[0] ?? 0];
      metrics.push({
        key,
        component: componentOf(key),
        label: `${v.series.suite} / ${v.series.name}`,
        unit: v.series.points[0]?.unit ?? "",
        direction: v.direction,
        samples,
        stats: computeStats(samples),
        // Only mapped metrics can be gated: a namespaced one is absent from every real run.
        gated: !key.startsWith("imported."),
      });
    }
    if (metrics.length === 0) continue;
    const startedAt = toIso(c.startedAt, options.source, c.id);
    const finishedAt = toIso(c.finishedAt, options.source, c.id);
    const tools = [...c.tools].join(", ");
    const runResult = RunResult.parse({
      schemaVersion: 1,
      runId,
      startedAt,
      finishedAt,
      source: {
        repository: options.repository,
        commit: c.id,
        branch: options.defaultBranch,
        trigger: IMPORT_TRIGGER,
      },
      fingerprint: {
        ...fingerprint,
        versions: { ...fingerprint.versions, importedFrom: KIND },
      },
      metrics,
      validation: null,
      components: [],
      readiness: {
        verdict: "READY_WITH_CAUTION",
        blocking: [],
        warnings: ["imported history: readiness was not assessed"],
        greenLights: [],
      },
      warnings: [
        `imported from ${file} (github-action-benchmark, ${tools}): one value per commit and bench, repeated to two samples where the commit has one`,
      ],
      exitCode: 0,
    });
    const meta = RunMeta.omit({ files: true }).parse({
      runId,
      repository: options.repository,
      private: options.private,
      commit: c.id,
      branch: options.defaultBranch,
      defaultBranch: options.defaultBranch,
      trigger: IMPORT_TRIGGER,
      requestedBy: IMPORT_REQUESTED_BY,
      startedAt,
      finishedAt,
      durationMs: c.finishedAt - c.startedAt,
      conclusion: "neutral",
      reason: `imported from ${file}: ${metrics.length} metric(s) of ${[...c.suites].join(", ")}, no verdict`,
      fingerprint: runResult.fingerprint,
    });
    runs.push({
      input: {
        meta,
        runResult,
        verdict: null,
        summaryMarkdown: `# Imported run\n\nCommit \`${c.id}\` of ${options.repository}, benchmarked ${finishedAt}, imported from \`${file}\` (github-action-benchmark, ${tools}): ${metrics.length} metric(s). No verdict was computed.\n`,
        artifacts: [],
        isBaseline: true,
      },
    });
  }
  const measured = measureSeries(runs);
  for (const r of reports) {
    const m = r.invalid === null ? measured.get(r.key) : undefined;
    if (m) {
      r.points = m.points;
      r.noisePct = m.noisePct;
    }
  }
  reports.sort((a, b) => a.key.localeCompare(b.key));
  return {
    kind: KIND,
    source: options.source,
    repository: options.repository,
    runs,
    metrics: reports,
  };
}

function describeSkipped(zeros: number, notNumbers: number): string {
  const parts = [
    ...(zeros > 0 ? [`${zeros} zero or negative`] : []),
    ...(notNumbers > 0 ? [`${notNumbers} NaN or not a number`] : []),
  ];
  return parts.join(", ");
}

function toIso(epochMs: number, source: string, commit: string): string {
  const d = new Date(epochMs);
  if (!Number.isFinite(d.getTime()) || epochMs > 9_999_999_999_999)
    throw new HistoryImportError(`${source}: commit ${commit} has an impossible date ${epochMs}`);
  return d.toISOString();
}
