import type { Direction, Fingerprint, MetricResult, Stats } from "@mlxbench/proto";
import type { ArchiveRunInput, RunArtifact } from "../archive-run.js";
import { estimateImportNoisePct, median } from "./estimate-import-noise.js";

/** What an import would write, fully checked before anything is written. */
export interface ImportPlan {
  kind: "github-action-benchmark" | "archive";
  /** The file or directory read, for messages. */
  source: string;
  repository: string;
  /** Oldest first. */
  runs: PlannedRun[];
  metrics: MetricReport[];
}

export interface PlannedRun {
  input: ArchiveRunInput;
  /** Artifacts read only when the run is written (runs copied from another archive). */
  loadArtifacts?: () => Promise<RunArtifact[]>;
}

/** One metric of the imported history, as the summary shows it. */
export interface MetricReport {
  key: string;
  /** Where it came from: `suite / bench` of a data.js, or the key itself. */
  origin: string;
  unit: string;
  direction: Direction;
  /** Runs that hold the metric. */
  points: number;
  /** Values left out (zero, negative, NaN, not a number). */
  skippedPoints: number;
  /** Robust run-to-run noise in percent (estimateImportNoisePct); null below 3 points. */
  noisePct: number | null;
  /** Why the metric was not imported at all; null when it was. */
  invalid: string | null;
}

/** The fingerprint of runs imported without `--fingerprint-from`: comparable with no cluster's runs. */
export function importedFingerprint(from: string): Fingerprint {
  return {
    hardware: `imported (${from})`,
    clusterMode: "distributed",
    deviceCount: 0,
    devices: [],
    model: "unknown",
    suiteOptionsHash: "imported",
    suiteOptions: {},
    versions: { importedFrom: from },
  };
}

/** The component a metric key belongs to, by its prefix (inference.*, throughput.* … are comprehensive). */
export function componentOf(key: string): MetricResult["component"] {
  const head = key.split(".")[0];
  if (head === "communication" || head === "validation" || head === "performance") return head;
  return "comprehensive";
}

export function computeStats(samples: readonly number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const n = sorted.length;
  const mean = sorted.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? sorted.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1) : 0;
  // Nearest rank, as the suite's reports use.
  const q = (p: number): number => sorted[Math.min(n - 1, Math.max(0, Math.ceil(p * n) - 1))] ?? 0;
  return {
    count: n,
    mean,
    min: sorted[0] ?? 0,
    max: sorted[n - 1] ?? 0,
    stddev: Math.sqrt(variance),
    p50: q(0.5),
    p90: q(0.9),
    p95: q(0.95),
    p99: q(0.99),
  };
}

/** Points and noise per metric key over the planned runs (oldest first); the median stands for a run. */
export function measureSeries(
  runs: readonly PlannedRun[],
): Map<string, { points: number; noisePct: number | null }> {
  const series = new Map<string, number[]>();
  for (const run of runs) {
    for (const m of run.input.runResult?.metrics ?? []) {
      if (m.samples.length === 0) continue;
      const values = series.get(m.key) ?? [];
      values.push(median(m.samples));
      series.set(m.key, values);
    }
  }
  return new Map(
    [...series].map(([key, values]) => [
      key,
      { points: values.length, noisePct: estimateImportNoisePct(values) },
    ]),
  );
}
