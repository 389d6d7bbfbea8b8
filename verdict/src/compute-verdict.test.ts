import { describe, expect, it } from "vitest";
import type { RunResult } from "@mlxbench/proto";
import { createRng, NOISE_SHAPES } from "./stats/index.js";
import { computeVerdict } from "./compute-verdict.js";
import { makeMetric, makeRun, makeScenario, type SeriesSpec } from "./make-run.test-helper.js";
import { deriveVerdictConfig, parseVerdictConfig, VerdictConfigError } from "./verdict-config.js";

const config = parseVerdictConfig({});
const KEYS: SeriesSpec[] = [
  { key: "inference.ttft_ms" },
  { key: "inference.e2e_ms" },
  { key: "throughput.output_tokens_per_s", direction: "higher_is_better", level: 40 },
  { key: "communication.allreduce_ms", gated: false },
];

function scenario(factor: Record<string, number>, seed = 1, specs: SeriesSpec[] = KEYS) {
  return makeScenario(specs, { seed, factor: (key) => factor[key] ?? 1 });
}

function outcomeOf(verdict: ReturnType<typeof computeVerdict>, key: string) {
  return verdict.metrics.find((m) => m.key === key);
}

describe("computeVerdict after the default branch changed level", () => {
  const seeds = [1, 2, 3, 4, 5];
  const ttft = (f: number) => (key: string) => (key === "inference.ttft_ms" ? f : 1);

  it("does not flag a run of the new level after an accepted 10 % slowdown 4 runs ago", () => {
    // Against a level that still mixes 6 runs before the slowdown, this flagged every seed.
    const outcomes = seeds.map((seed) => {
      const { history, baseline, current } = makeScenario(KEYS, {
        seed,
        step: { runsAgo: 4, factor: ttft(1.1) },
      });
      return outcomeOf(computeVerdict(current, baseline, history, config), "inference.ttft_ms")
        ?.outcome;
    });
    expect(outcomes).not.toContain("regressed");
  });

  it("still finds a 10 % regression after a 10 % speed-up 4 runs ago", () => {
    const outcomes = seeds.map((seed) => {
      const { history, baseline, current } = makeScenario(KEYS, {
        seed,
        step: { runsAgo: 4, factor: ttft(0.9) },
        factor: ttft(1.1),
      });
      return outcomeOf(computeVerdict(current, baseline, history, config), "inference.ttft_ms")
        ?.outcome;
    });
    expect(outcomes).toEqual(seeds.map(() => "regressed"));
  });
});

describe("computeVerdict outcomes", () => {
  it("passes a clean run with every metric unchanged", () => {
    const { history, baseline, current } = scenario({});
    const v = computeVerdict(current, baseline, history, config);
    expect(v).toMatchObject({
      conclusion: "success",
      kind: "ok",
      baseline: { runId: baseline.runId },
    });
    expect(v.metrics.map((m) => m.outcome)).toEqual([
      "unchanged",
      "unchanged",
      "unchanged",
      "unchanged",
    ]);
    expect(v.reason).toMatch(/^no regression in 4 metrics/);
  });

  it("names the baseline by its archive id when one is given, not the suite's run id", () => {
    const { history, baseline, current } = scenario({});
    const v = computeVerdict(current, baseline, history, config, { baselineRunId: "push-abc" });
    expect(baseline.runId).not.toBe("push-abc");
    expect(v.baseline?.runId).toBe("push-abc");
  });

  it("fails on a gated regression and names it with its interval", () => {
    const { history, baseline, current } = scenario({ "inference.ttft_ms": 1.1 });
    const v = computeVerdict(current, baseline, history, config);
    expect(v).toMatchObject({ conclusion: "failure", kind: "regressed" });
    expect(v.reason).toMatch(
      /^1 metric regressed: inference\.ttft_ms \+\d+\.\d % \[\+\d+\.\d, \+\d+\.\d\]$/,
    );
    const m = outcomeOf(v, "inference.ttft_ms");
    expect(m?.outcome).toBe("regressed");
    expect(m?.change?.percent).toBeGreaterThan(6);
    expect(m?.evidence?.adjustedWorseP).toBeLessThanOrEqual(config.alpha);
  });

  it("reads a drop of a higher-is-better metric as a regression", () => {
    const { history, baseline, current } = scenario({ "throughput.output_tokens_per_s": 0.9 });
    const v = computeVerdict(current, baseline, history, config);
    expect(v.kind).toBe("regressed");
    expect(v.reason).toMatch(/throughput\.output_tokens_per_s −\d+\.\d %/);
  });

  it("reports an improvement without failing", () => {
    const { history, baseline, current } = scenario({ "inference.e2e_ms": 0.88 });
    const v = computeVerdict(current, baseline, history, config);
    expect(v).toMatchObject({ conclusion: "success", kind: "ok" });
    expect(outcomeOf(v, "inference.e2e_ms")?.outcome).toBe("improved");
    expect(v.reason).toMatch(/1 improved: inference\.e2e_ms −/);
  });

  it("does not fail on a regression of an ungated metric but says so", () => {
    const { history, baseline, current } = scenario({ "communication.allreduce_ms": 1.2 });
    const v = computeVerdict(current, baseline, history, config);
    expect(v.conclusion).toBe("success");
    expect(outcomeOf(v, "communication.allreduce_ms")?.outcome).toBe("regressed");
    expect(v.reason).toMatch(/ungated: communication\.allreduce_ms \+/);
  });

  it("lets the config's gated list ungate a metric", () => {
    const { history, baseline, current } = scenario({ "inference.ttft_ms": 1.1 });
    const v = computeVerdict(
      current,
      baseline,
      history,
      parseVerdictConfig({ gatedMetrics: ["inference.e2e_ms"] }),
    );
    expect(v.conclusion).toBe("success");
    expect(outcomeOf(v, "inference.ttft_ms")).toMatchObject({ gated: false, outcome: "regressed" });
  });

  it("calls a real change below the threshold unchanged, and a regression under a tighter per-key threshold", () => {
    const specs: SeriesSpec[] = [
      { key: "inference.ttft_ms", cv: 0.005, count: 30, runNoise: 0.001 },
      { key: "inference.e2e_ms" },
    ];
    const { history, baseline, current } = makeScenario(specs, {
      seed: 4,
      factor: (k) => (k === "inference.ttft_ms" ? 1.02 : 1),
    });
    const loose = computeVerdict(current, baseline, history, config);
    expect(outcomeOf(loose, "inference.ttft_ms")?.outcome).toBe("unchanged");
    expect(outcomeOf(loose, "inference.ttft_ms")?.reason).toMatch(
      /real but within the 5 % threshold/,
    );
    const tight = computeVerdict(
      current,
      baseline,
      history,
      parseVerdictConfig({ thresholdsPct: { "inference.ttft_ms": 1 } }),
    );
    // 2 % against a 1 % threshold: flagged, but run-to-run noise is most of this run's noise, so pairs decide.
    const flagged = outcomeOf(tight, "inference.ttft_ms");
    expect(flagged).toMatchObject({ outcome: "inconclusive", needsConfirmation: true });
    expect(flagged?.reason).toMatch(/flagged by the screen.*a paired A\/B run confirms/);
    expect(tight.kind).toBe("inconclusive");
  });

  it("is inconclusive when a threshold-sized change is within the noise, with samples that would decide", () => {
    const specs: SeriesSpec[] = [{ key: "inference.ttft_ms", cv: 0.1, count: 10, runNoise: 0.001 }];
    const { history, baseline } = makeScenario(specs, { seed: 8 });
    // Exactly the baseline's samples, 10 % slower: the effect is certain to be 10 %, its significance is not.
    const current = {
      ...baseline,
      runId: "pr",
      metrics: baseline.metrics.map((m) => ({ ...m, samples: m.samples.map((x) => x * 1.1) })),
    };
    const v = computeVerdict(current, baseline, history, config);
    expect(v).toMatchObject({ conclusion: "neutral", kind: "inconclusive" });
    const m = outcomeOf(v, "inference.ttft_ms");
    expect(m?.outcome).toBe("inconclusive");
    expect(m?.change?.percent).toBeCloseTo(10, 6);
    expect(m?.moreSamplesNeeded).toBeGreaterThan(10);
    expect(m?.reason).toMatch(/about \d+ samples per run would decide/);
    expect(v.reason).toMatch(/^1 metric inconclusive: inference\.ttft_ms \+10\.0 %/);
  });

  it("says when more samples cannot decide because run-to-run noise dominates", () => {
    const specs: SeriesSpec[] = [{ key: "inference.ttft_ms", cv: 0.01, count: 30, runNoise: 0.03 }];
    const { history, baseline } = makeScenario(specs, { seed: 8 });
    const current = {
      ...baseline,
      runId: "pr",
      metrics: baseline.metrics.map((m) => ({ ...m, samples: m.samples.map((x) => x * 1.06) })),
    };
    const m = outcomeOf(computeVerdict(current, baseline, history, config), "inference.ttft_ms");
    expect(m?.outcome).toBe("inconclusive");
    expect(m?.moreSamplesNeeded).toBeNull();
    expect(m?.reason).toMatch(/more runs, not more samples/);
  });

  it("does not flag a change that the default branch's run-to-run noise explains", () => {
    const quiet: SeriesSpec[] = [
      { key: "inference.ttft_ms", cv: 0.02, count: 30, runNoise: 0.002 },
    ];
    const noisy: SeriesSpec[] = [{ key: "inference.ttft_ms", cv: 0.02, count: 30, runNoise: 0.05 }];
    const factor = (): number => 1.08;
    // The same within-run samples decide differently once the history shows runs wandering by 5 %.
    const q = makeScenario(quiet, { seed: 12, factor });
    const n = makeScenario(noisy, { seed: 12, factor });
    expect(computeVerdict(q.current, q.baseline, q.history, config).kind).toBe("regressed");
    const withNoise = computeVerdict(n.current, n.baseline, n.history, config);
    expect(withNoise.conclusion).not.toBe("failure");
    expect(outcomeOf(withNoise, "inference.ttft_ms")?.evidence?.rankP).toBeLessThan(1e-6);
    expect(outcomeOf(withNoise, "inference.ttft_ms")?.evidence?.runNoisePct).toBeGreaterThan(3);
  });

  it("assumes run noise while the history is too short to measure it", () => {
    const { history, baseline, current } = makeScenario([{ key: "inference.ttft_ms" }], {
      seed: 2,
      runs: 3,
    });
    const v = computeVerdict(current, baseline, history, config);
    const m = outcomeOf(v, "inference.ttft_ms");
    // The runs it had are still counted: readers say how many there were ("has 3 earlier runs").
    expect(m?.evidence).toMatchObject({ runNoiseAssumed: true, historyRuns: 3 });
    expect(m?.evidence?.runNoisePct).toBeGreaterThanOrEqual(2);
    expect(m?.evidence?.runNoisePct).toBeLessThan(2.5);
  });

  it.each(NOISE_SHAPES)("%s noise: detects a 10 %% regression and passes a clean run", (shape) => {
    const specs: SeriesSpec[] = [
      { key: "inference.ttft_ms", shape, cv: 0.03, count: 25 },
      { key: "inference.e2e_ms", shape },
    ];
    const bad = makeScenario(specs, {
      seed: 21,
      factor: (k) => (k === "inference.ttft_ms" ? 1.1 : 1),
    });
    // Fails on the run, or, where one run cannot resolve the threshold, is sent to A/B pairs; never passes.
    const v = computeVerdict(bad.current, bad.baseline, bad.history, config);
    const ttft = v.metrics.find((m) => m.key === "inference.ttft_ms");
    if (v.kind !== "regressed") {
      expect(v.kind).toBe("inconclusive");
      expect(ttft).toMatchObject({ outcome: "inconclusive", needsConfirmation: true });
    }
    const clean = makeScenario(specs, { seed: 22 });
    expect(computeVerdict(clean.current, clean.baseline, clean.history, config).conclusion).toBe(
      "success",
    );
  });

  it("fails on a critical validation failure, even without a baseline", () => {
    const { history, baseline, current } = scenario({});
    const failed = {
      ...current,
      validation: { status: "FAIL" as const, criticalFailures: ["kv_cache"], fixes: [] },
    };
    expect(computeVerdict(failed, baseline, history, config)).toMatchObject({
      conclusion: "failure",
      kind: "validation_failed",
      reason: "validation failed critically: kv_cache",
    });
    expect(computeVerdict(failed, null, [], config)).toMatchObject({
      conclusion: "failure",
      kind: "validation_failed",
    });
  });

  it("is neutral without a comparable baseline, never a pass", () => {
    const { current, baseline, history } = scenario({});
    expect(
      computeVerdict(current, null, [], config, { noBaselineDetail: "no archived runs" }),
    ).toMatchObject({
      conclusion: "neutral",
      kind: "no_baseline",
      reason: "no comparable baseline (no archived runs)",
    });
    const otherHardware = {
      ...baseline,
      fingerprint: { ...baseline.fingerprint, hardware: "M3 Max" },
    };
    const v = computeVerdict(current, otherHardware, history, config);
    expect(v).toMatchObject({ conclusion: "neutral", kind: "no_baseline" });
    expect(v.reason).toMatch(/other hardware/);
  });

  it("gives the same verdict for the same inputs", () => {
    const { history, baseline, current } = scenario({ "inference.ttft_ms": 1.04 }, 9);
    expect(computeVerdict(current, baseline, history, config)).toEqual(
      computeVerdict(current, baseline, history, config),
    );
  });

  it("ignores history runs after the baseline or on other hardware", () => {
    const { history, baseline, current } = scenario({});
    const later = makeRun(
      999,
      baseline.metrics.map((m) => ({ ...m, samples: m.samples.map((x) => x * 3) })),
    );
    const alien = {
      ...history[0],
      fingerprint: { ...baseline.fingerprint, model: "other" },
    } as RunResult;
    const a = computeVerdict(current, baseline, history, config);
    expect(computeVerdict(current, baseline, [...history, later, alien], config)).toEqual(a);
  });
});

describe("computeVerdict on bad input", () => {
  const { history, baseline, current } = scenario({});
  const withMetrics = (
    run: RunResult,
    change: (key: string, samples: number[]) => number[],
  ): RunResult => ({
    ...run,
    metrics: run.metrics.map((m) => ({ ...m, samples: change(m.key, m.samples) })),
  });

  it("marks a metric missing from this run, and never passes on it", () => {
    const partial = {
      ...current,
      metrics: current.metrics.filter((m) => m.key !== "inference.ttft_ms"),
    };
    const v = computeVerdict(partial, baseline, history, config);
    expect(v).toMatchObject({ conclusion: "neutral", kind: "invalid_input" });
    expect(outcomeOf(v, "inference.ttft_ms")?.outcome).toBe("missing");
    expect(v.reason).toMatch(/inference\.ttft_ms is missing from this run/);
  });

  it("marks a metric new to this run and still judges the rest", () => {
    const extra = {
      ...current,
      metrics: [...current.metrics, makeMetric("inference.new_ms", [1, 2, 3])],
    };
    const v = computeVerdict(extra, baseline, history, config);
    expect(v.conclusion).toBe("success");
    expect(outcomeOf(v, "inference.new_ms")?.outcome).toBe("new");
    expect(v.reason).toMatch(/not compared: inference\.new_ms \(new\)/);
  });

  it.each([
    ["NaN", [Number.NaN], /1 of \d+ samples in this run are NaN or infinite/, "invalid"],
    [
      "null (NaN through JSON)",
      [null as unknown as number],
      /1 of \d+ samples in this run are NaN or infinite/,
      "invalid",
    ],
    [
      "Infinity",
      [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY],
      /2 of \d+ samples in this run are NaN or infinite/,
      "invalid",
    ],
    ["zero", [0], /≤ 0, so a ratio of medians is undefined/, "invalid"],
  ] as const)("marks %s samples invalid with a specific reason", (_name, bad, reason, outcome) => {
    const broken = withMetrics(current, (key, s) =>
      key === "inference.ttft_ms" ? [...s, ...bad] : s,
    );
    const v = computeVerdict(broken, baseline, history, config);
    expect(v).toMatchObject({ conclusion: "neutral", kind: "invalid_input" });
    expect(outcomeOf(v, "inference.ttft_ms")?.outcome).toBe(outcome);
    expect(v.reason).toMatch(reason);
  });

  it.each([
    [[], /this run has 0 sample\(s\)/],
    [[12.5], /this run has 1 sample\(s\)/],
  ])("marks too few samples (%j) as insufficient", (samples, reason) => {
    const thin = withMetrics(current, (key, s) => (key === "inference.ttft_ms" ? samples : s));
    const v = computeVerdict(thin, baseline, history, config);
    expect(v).toMatchObject({ conclusion: "neutral", kind: "invalid_input" });
    expect(outcomeOf(v, "inference.ttft_ms")?.outcome).toBe("insufficient_samples");
    expect(v.reason).toMatch(reason);
  });

  it("names the baseline when its samples are the bad ones", () => {
    const broken = withMetrics(baseline, (key, s) =>
      key === "inference.e2e_ms" ? [s[0] ?? 1] : s,
    );
    const v = computeVerdict(current, broken, history, config);
    expect(outcomeOf(v, "inference.e2e_ms")?.reason).toMatch(/the baseline has 1 sample/);
  });

  it("refuses to compare a metric whose direction changed", () => {
    const flipped = {
      ...current,
      metrics: current.metrics.map((m) =>
        m.key === "inference.ttft_ms" ? { ...m, direction: "higher_is_better" as const } : m,
      ),
    };
    const v = computeVerdict(flipped, baseline, history, config);
    expect(outcomeOf(v, "inference.ttft_ms")?.outcome).toBe("invalid");
    expect(v.reason).toMatch(/changed direction/);
  });

  it("refuses a metric reported twice", () => {
    const twice = {
      ...current,
      metrics: [...current.metrics, current.metrics[0] ?? makeMetric("x", [])],
    };
    const v = computeVerdict(twice, baseline, history, config);
    expect(v.kind).toBe("invalid_input");
    expect(v.reason).toMatch(/appears more than once/);
  });

  it.each([
    ["this run", (r: RunResult) => ({ ...r, schemaVersion: 2 }), null],
    ["baseline", null, (r: RunResult) => ({ ...r, schemaVersion: 0 })],
  ] as const)(
    "rejects a mismatched schema version of %s by name",
    (which, changeCurrent, changeBaseline) => {
      const cur: unknown = changeCurrent === null ? current : changeCurrent(current);
      const base: unknown = changeBaseline === null ? baseline : changeBaseline(baseline);
      const v = computeVerdict(cur, base, history, config);
      expect(v).toMatchObject({ conclusion: "neutral", kind: "invalid_input" });
      expect(v.reason).toMatch(
        new RegExp(`^${which} has result schema version \\d, this verdict reads version 1$`),
      );
    },
  );

  it.each([
    ["not an object", "hello", /schema version undefined/],
    [
      "a result without metrics",
      { ...makeRun(1, []), metrics: undefined },
      /not a valid run result \(metrics:/,
    ],
    [
      "samples that are not an array",
      makeRun(1, [{ ...makeMetric("a", []), samples: "1,2" as unknown as number[] }]),
      /metrics\.0\.samples: expected an array/,
    ],
  ])("rejects %s", (_name, input, reason) => {
    const v = computeVerdict(input, baseline, history, config);
    expect(v).toMatchObject({ conclusion: "neutral", kind: "invalid_input" });
    expect(v.reason).toMatch(reason);
  });

  it("is neutral when nothing could be compared", () => {
    const v = computeVerdict(makeRun(50, []), makeRun(49, []), [], config);
    expect(v).toMatchObject({
      conclusion: "neutral",
      kind: "invalid_input",
      reason: "no metric could be compared with the baseline",
    });
  });

  it("skips unparseable history runs instead of crashing", () => {
    const v = computeVerdict(current, baseline, [...history, "junk", { schemaVersion: 1 }], config);
    expect(v.conclusion).toBe("success");
  });
});

describe("identical inputs never regress (property)", () => {
  it("holds over 150 seeded random scenarios", () => {
    const rng = createRng(2024);
    for (let trial = 0; trial < 150; trial++) {
      const specs: SeriesSpec[] = Array.from(
        { length: 1 + Math.floor(rng.next() * 6) },
        (_, i) => ({
          key: `metric.${i}`,
          direction: rng.next() < 0.5 ? "lower_is_better" : "higher_is_better",
          shape: NOISE_SHAPES[Math.floor(rng.next() * NOISE_SHAPES.length)] ?? "lognormal",
          cv: 0.001 + rng.next() * 0.2,
          count: 2 + Math.floor(rng.next() * 40),
          runNoise: rng.next() * 0.05,
          level: 0.001 + rng.next() * 1e4,
        }),
      );
      const s = makeScenario(specs, { seed: trial, runs: 1 + Math.floor(rng.next() * 70) });
      const same = { ...s.baseline, runId: "current", source: { branch: "feature" } };
      const v = computeVerdict(same, s.baseline, s.history, config);
      expect(v.conclusion, `trial ${trial}: ${v.reason}`).not.toBe("failure");
      // Unchanged, or (when one run cannot rule out a threshold-sized worsening) sent to A/B pairs.
      for (const m of v.metrics) {
        if (m.outcome === "unchanged") continue;
        expect(m, `trial ${trial}: ${m.reason}`).toMatchObject({
          outcome: "inconclusive",
          needsConfirmation: true,
        });
        const log = (pct: number | undefined): number => Math.log(1 + (pct ?? Number.NaN) / 100);
        const worseUpper =
          m.direction === "lower_is_better"
            ? log(m.change?.upperPercent)
            : -log(m.change?.lowerPercent);
        expect(worseUpper).toBeGreaterThanOrEqual(log(m.thresholdPct) - 1e-9);
      }
    }
  });
});

describe("verdict config", () => {
  it("names the bad field", () => {
    expect(() => parseVerdictConfig({ alpha: 2 })).toThrow(VerdictConfigError);
    expect(() => parseVerdictConfig({ alpha: 2 })).toThrow(/alpha:/);
    expect(() => parseVerdictConfig({ thresholds: {} })).toThrow(/thresholds/);
  });

  it("takes thresholds and gated metrics from the repository config", () => {
    const c = deriveVerdictConfig({
      thresholds: { default_pct: 3, metrics: { "inference.ttft_ms": 8 } },
      gated_metrics: ["inference.ttft_ms"],
    });
    expect(c).toMatchObject({
      defaultThresholdPct: 3,
      thresholdsPct: { "inference.ttft_ms": 8 },
      gatedMetrics: ["inference.ttft_ms"],
      alpha: 0.01,
    });
  });
});
