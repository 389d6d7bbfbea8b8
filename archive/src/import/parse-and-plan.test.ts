import { describe, expect, it } from "vitest";
import { sampleRunResult } from "../test-support.js";
import {
  buildDataJs,
  commitId,
  corpusDataJs,
  corpusSeries,
  loadCorpus,
} from "./benchmark-data-fixture.js";
import { estimateImportNoisePct, median } from "./estimate-import-noise.js";
import { HistoryImportError } from "./history-import-error.js";
import { inferDirection } from "./infer-direction.js";
import { parseBenchmarkData } from "./parse-benchmark-data.js";
import { planBenchmarkImport, type BenchmarkImportOptions } from "./plan-benchmark-import.js";

const options = (over: Partial<BenchmarkImportOptions> = {}): BenchmarkImportOptions => ({
  repository: "octo/hello",
  defaultBranch: "main",
  fingerprint: null,
  metrics: [],
  directions: [],
  private: false,
  source: "gh-pages/dev/bench/data.js",
  ...over,
});

const plan = (text: string, over: Partial<BenchmarkImportOptions> = {}) =>
  planBenchmarkImport(parseBenchmarkData(text, "data.js"), options(over));

describe("parseBenchmarkData", () => {
  it("reads a real-shape data.js with and without the script prefix", () => {
    const { text } = corpusDataJs("kasane", 2, 30);
    const withPrefix = parseBenchmarkData(text, "data.js");
    const bare = parseBenchmarkData(text.replace("window.BENCHMARK_DATA = ", ""), "data.js");
    expect(withPrefix).toEqual(bare);
    expect(withPrefix.entries.Benchmark).toHaveLength(30);
    expect(withPrefix.entries.Benchmark?.[0]?.benches[0]?.range).toMatch(/^± \d/);
  });

  it.each([
    ["<html><body>404</body></html>", /not JSON after the prefix/],
    ["window.BENCHMARK_DATA = [1, 2]", /the data is an array/],
    ['{"lastUpdate": 1, "repoUrl": "x"}', /it has no `entries`/],
    [
      '{"entries": {"S": [{"commit": {"id": "abc"}, "date": 1, "tool": "go"}]}}',
      /entries\.S\.0\.benches/,
    ],
    [
      '{"entries": {"S": [{"commit": {"id": "abc"}, "date": "yesterday", "tool": "go", "benches": []}]}}',
      /entries\.S\.0\.date/,
    ],
    ['{"entries": {"S": []}}', /holds no runs/],
  ])("rejects %j naming what is wrong", (text, why) => {
    const run = () => parseBenchmarkData(text, "gh-pages/data.js");
    expect(run).toThrow(HistoryImportError);
    expect(run).toThrow(/^gh-pages\/data\.js is not a github-action-benchmark data\.js/);
    expect(run).toThrow(why);
  });
});

describe("inferDirection", () => {
  it.each([
    ["cargo", "ns/iter", "lower_is_better"],
    ["go", "ns/op", "lower_is_better"],
    ["jmh", "ops/s", "higher_is_better"],
    ["benchmarkjs", "ops/sec", "higher_is_better"],
    ["pytest", "iter/sec", "higher_is_better"],
    ["go", "MB/s", "higher_is_better"],
    ["customSmallerIsBetter", "Hz", "lower_is_better"],
    ["customBiggerIsBetter", "", "higher_is_better"],
    ["googlecpp", "Hz", "higher_is_better"],
    ["jmh", "s/op", "lower_is_better"],
    ["catch2", "requests per second", "higher_is_better"],
  ] as const)("%s %j → %s", (tool, unit, direction) => {
    expect(inferDirection(tool, unit)).toBe(direction);
  });

  it("agrees with the direction of every real series whose source has one tool", () => {
    const { sources, series } = loadCorpus();
    const tools = new Map(sources.map((s) => [s.id, s.tool.split(" ")[0] ?? ""]));
    const single = series.filter((s) => !(tools.get(s.source) ?? "").includes("/"));
    const disagree = single.filter((s) => {
      const expected = s.direction === "bigger_is_better" ? "higher_is_better" : "lower_is_better";
      return inferDirection(tools.get(s.source) ?? "", s.unit) !== expected;
    });
    expect(single.length).toBeGreaterThan(1000);
    expect(disagree.map((s) => `${s.source}: ${s.unit}`)).toEqual([]);
  });
});

describe("estimateImportNoisePct", () => {
  it("is zero for a constant series and null below three points", () => {
    expect(estimateImportNoisePct([5, 5, 5, 5])).toBe(0);
    expect(estimateImportNoisePct([5, 6])).toBeNull();
  });

  it("ignores a one-run spike and a level step that a standard deviation absorbs", () => {
    // Two modes 2 % apart: every successive |log difference| is log(1.01/0.99) → 1.4826·0.02/√2 ≈ 2.1 %.
    const calm = Array.from({ length: 40 }, (_, i) => 100 * (i % 2 === 0 ? 1.01 : 0.99));
    const base = estimateImportNoisePct(calm) ?? Number.NaN;
    expect(base).toBeCloseTo(
      (Math.exp((1.4826 * Math.log(1.01 / 0.99)) / Math.SQRT2) - 1) * 100,
      6,
    );
    const spiked = calm.map((v, i) => (i === 20 ? v * 3 : i > 30 ? v * 1.5 : v));
    expect(estimateImportNoisePct(spiked)).toBeCloseTo(base, 6);
  });

  it("lands near the corpus README's median CV of a real source", () => {
    // README: otel-python's median series CV is 1.24 %, kasane's 2.06 % (same definition, all points).
    const cv = (source: string) =>
      median(
        loadCorpus()
          .series.filter((s) => s.source === source)
          .map((s) => estimateImportNoisePct(s.values) ?? Number.NaN),
      );
    expect(cv("otel-python")).toBeGreaterThan(1.0);
    expect(cv("otel-python")).toBeLessThan(1.5);
    expect(cv("kasane")).toBeGreaterThan(1.8);
    expect(cv("kasane")).toBeLessThan(2.3);
  });
});

describe("planBenchmarkImport", () => {
  it("makes one default-branch run per commit across suites, each bench a metric", () => {
    const kasane = corpusSeries("kasane", 1)[0];
    const risc0 = corpusSeries("risc0", 1)[0];
    if (!kasane || !risc0) throw new Error("corpus");
    const n = 12;
    const dates = kasane.dates.slice(0, n);
    const text = buildDataJs({
      Rendering: {
        tool: "cargo",
        dates,
        benches: [
          {
            name: "element_construct/plugins_0",
            unit: "ns/iter",
            values: kasane.values,
            ranges: kasane.ranges,
          },
        ],
      },
      // Pushed a minute later for the same commits.
      Prover: {
        tool: "customBiggerIsBetter",
        dates: dates.map((d) => d + 60),
        benches: [{ name: "execute", unit: "Hz", values: risc0.values }],
      },
    });
    const p = plan(text, { metrics: [{ from: "execute", key: "throughput.output_tokens_per_s" }] });
    expect(p.runs).toHaveLength(n);
    const first = p.runs[0]?.input;
    expect(first?.meta).toMatchObject({
      runId: `import-${commitId(0).slice(0, 12)}-data-js`,
      commit: commitId(0),
      branch: "main",
      defaultBranch: "main",
      trigger: "import",
      conclusion: "neutral",
      startedAt: new Date((dates[0] ?? 0) * 1000).toISOString(),
      finishedAt: new Date(((dates[0] ?? 0) + 60) * 1000).toISOString(),
    });
    expect(first?.meta.pullRequest).toBeUndefined();
    expect(first?.isBaseline).toBe(true);
    expect(first?.meta.fingerprint?.hardware).toBe("imported (github-action-benchmark)");
    const metrics = first?.runResult?.metrics ?? [];
    expect(metrics.map((m) => [m.key, m.direction, m.gated, m.samples])).toEqual([
      [
        "imported.Rendering.element_construct_plugins_0",
        "lower_is_better",
        false,
        [kasane.values[0], kasane.values[0]],
      ],
      [
        "throughput.output_tokens_per_s",
        "higher_is_better",
        true,
        [risc0.values[0], risc0.values[0]],
      ],
    ]);
    const report = p.metrics.find((m) => m.key === "throughput.output_tokens_per_s");
    expect(report).toMatchObject({ points: n, skippedPoints: 0, invalid: null, unit: "Hz" });
    expect(report?.noisePct).toBeCloseTo(
      estimateImportNoisePct(risc0.values.slice(0, n)) ?? Number.NaN,
      9,
    );
  });

  it("keeps re-runs of a commit as that run's samples", () => {
    const text = buildDataJs({
      S: {
        tool: "go",
        dates: [10, 20, 30, 40],
        commits: [0, 1, 1, 2],
        benches: [{ name: "B", unit: "ns/op", values: [100, 101, 103, 99] }],
      },
    });
    const p = plan(text);
    expect(p.runs.map((r) => r.input.runResult?.metrics[0]?.samples)).toEqual([
      [100, 100],
      [101, 103],
      [99, 99],
    ]);
    expect(p.runs[1]?.input.meta.durationMs).toBe(10_000);
  });

  it("skips and counts zero, negative and non-numeric values; a bench with none left is invalid", () => {
    const text = buildDataJs({
      S: {
        tool: "go",
        dates: [1, 2, 3, 4, 5, 6],
        benches: [
          { name: "ok", unit: "ns/op", values: [10, 0, 11, null, "NaN", 12] },
          { name: "dead", unit: "ns/op", values: [0, -1, null, 0, "null", 0] },
        ],
      },
    });
    const p = plan(text);
    const ok = p.metrics.find((m) => m.key === "imported.S.ok");
    expect(ok).toMatchObject({ points: 3, skippedPoints: 3, invalid: null });
    const dead = p.metrics.find((m) => m.key === "imported.S.dead");
    expect(dead?.invalid).toBe("no usable value: 4 zero or negative, 2 NaN or not a number");
    // Commits whose only values were skipped make no run; no run holds the invalid metric.
    expect(p.runs).toHaveLength(3);
    expect(p.runs.flatMap((r) => r.input.runResult?.metrics.map((m) => m.key) ?? [])).not.toContain(
      "imported.S.dead",
    );
  });

  it("marks a series whose unit changes invalid, naming both units and the commit", () => {
    const text = buildDataJs({
      S: {
        tool: "go",
        dates: [1, 2, 3],
        // The third push recorded the bench in another unit.
        units: [undefined, undefined, "ms"],
        benches: [{ name: "moving", unit: "ns/op", values: [10, 11, 12] }],
      },
      T: {
        tool: "go",
        dates: [1, 2, 3],
        benches: [{ name: "steady", unit: "ns/op", values: [10, 11, 12] }],
      },
    });
    const p = plan(text);
    const moving = p.metrics.find((m) => m.key === "imported.S.moving");
    expect(moving?.invalid).toBe(
      `unit changed from "ns/op" to "ms" at commit ${commitId(2).slice(0, 12)} (entries.S.2); import it under two names or fix the file`,
    );
    expect(p.metrics.find((m) => m.key === "imported.T.steady")).toMatchObject({
      invalid: null,
      points: 3,
    });
    const stored = p.runs.flatMap((r) => r.input.runResult?.metrics.map((m) => m.key) ?? []);
    expect(stored).not.toContain("imported.S.moving");
    expect(stored.filter((k) => k === "imported.T.steady")).toHaveLength(3);
  });

  it("attaches the given fingerprint and applies a direction override", () => {
    const { fingerprint } = sampleRunResult();
    const text = buildDataJs({
      S: {
        tool: "go",
        dates: [1, 2, 3],
        benches: [{ name: "score", unit: "points", values: [3, 4, 5] }],
      },
    });
    const p = plan(text, {
      fingerprint,
      directions: [{ name: "score", direction: "higher_is_better" }],
    });
    const run = p.runs[0]?.input;
    expect(run?.meta.fingerprint).toMatchObject({
      hardware: fingerprint.hardware,
      suiteOptionsHash: fingerprint.suiteOptionsHash,
    });
    expect(run?.meta.fingerprint?.versions.importedFrom).toBe("github-action-benchmark");
    expect(run?.runResult?.metrics[0]?.direction).toBe("higher_is_better");
  });

  it.each([
    [
      { metrics: [{ from: "nope", key: "inference.e2e_ms" }] },
      /--metric nope=inference\.e2e_ms: no bench named "nope" \(benches: A\/x, B\/x\)/,
    ],
    [
      { metrics: [{ from: "x", key: "inference.e2e_ms" }] },
      /"x" is a bench of 2 suites \(A, B\); name one as SUITE\/NAME/,
    ],
    [
      {
        metrics: [
          { from: "A/x", key: "k.a" },
          { from: "B/x", key: "k.a" },
        ],
      },
      /A\/x and B\/x would both be stored as k\.a/,
    ],
    [
      { directions: [{ name: "y", direction: "higher_is_better" as const }] },
      /--direction y: no bench or metric key "y"/,
    ],
  ])("rejects option %j clearly", (over, why) => {
    const text = buildDataJs({
      A: { tool: "go", dates: [1, 2], benches: [{ name: "x", unit: "ns/op", values: [1, 2] }] },
      B: { tool: "go", dates: [1, 2], benches: [{ name: "x", unit: "ns/op", values: [1, 2] }] },
    });
    expect(() => plan(text, over)).toThrow(why);
  });

  it("maps SUITE/NAME, and rejects a commit id that cannot be a run id", () => {
    const text = buildDataJs({
      A: { tool: "go", dates: [1, 2], benches: [{ name: "x", unit: "ns/op", values: [1, 2] }] },
      B: { tool: "go", dates: [1, 2], benches: [{ name: "x", unit: "ns/op", values: [1, 2] }] },
    });
    const p = plan(text, { metrics: [{ from: "B/x", key: "inference.e2e_ms" }] });
    expect(p.metrics.map((m) => [m.key, m.origin])).toEqual([
      ["imported.A.x", "A / x"],
      ["inference.e2e_ms", "B / x"],
    ]);
    const bad = text.replace(commitId(1), "../../etc");
    expect(() => plan(bad)).toThrow(
      /data\.js: entries\.A\.1: commit id "\.\.\/\.\.\/etc" may only hold/,
    );
  });
});
