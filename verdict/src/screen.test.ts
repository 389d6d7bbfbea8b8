import { describe, expect, it } from "vitest";
import { Verdict as VerdictSchema } from "@mlxbench/proto";
import { computeVerdict } from "./compute-verdict.js";
import { computeMdePct, describeMde } from "./compute-mde.js";
import { makeMetric, makeRun, makeScenario, type SeriesSpec } from "./make-run.test-helper.js";
import { createRng, drawNormal, estimateRunNoise, estimateScreenNoise } from "./stats/index.js";
import { parseVerdictConfig } from "./verdict-config.js";

const config = parseVerdictConfig({});
const TTFT = "inference.ttft_ms";

function ttftOf(runNoise: number, factor: number, seed: number, runs = 40) {
  const specs: SeriesSpec[] = [
    { key: TTFT, cv: 0.01, count: 30, runNoise },
    { key: "inference.e2e_ms" },
  ];
  const s = makeScenario(specs, { seed, runs, factor: (k) => (k === TTFT ? factor : 1) });
  const v = computeVerdict(s.current, s.baseline, s.history, config);
  return { verdict: v, metric: v.metrics.find((m) => m.key === TTFT) };
}

describe("estimateScreenNoise", () => {
  const rng = createRng(5);
  const noisy = Array.from({ length: 45 }, () => 0.04 * drawNormal(rng));
  const calm = Array.from({ length: 15 }, () => 0.002 * drawNormal(rng));

  it("does not trust a calm recent stretch more than the whole window", () => {
    const series = [...noisy, ...calm];
    const screen = estimateScreenNoise(series, [], 15);
    const recentOnly = estimateRunNoise(calm);
    expect(screen?.sd).toBeGreaterThanOrEqual(screen?.longSd ?? Number.POSITIVE_INFINITY);
    expect(screen?.sd).toBeGreaterThan(5 * (recentOnly?.sd ?? 0));
  });

  it("rises when the noise grew recently, where the long window would average it away", () => {
    const series = [...calm, ...calm, ...calm, ...noisy.slice(0, 15)];
    const screen = estimateScreenNoise(series, [], 15);
    expect(screen?.recentSd).not.toBeNull();
    expect(screen?.sd).toBe(screen?.recentSd);
    expect(screen?.sd).toBeGreaterThan(1.3 * (screen?.longSd ?? 0));
  });

  it("keeps the median-based floor when most runs are identical but some move", () => {
    // Every other run jumps by 2 %: the two-mode series of real histories.
    const series = Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? 0 : 0.02));
    const screen = estimateScreenNoise(series);
    expect(screen?.robustSd).toBeCloseTo(0.02 / (0.6744897501960817 * Math.SQRT2), 10);
    expect(screen?.sd).toBeGreaterThanOrEqual(screen?.robustSd ?? Number.POSITIVE_INFINITY);
  });

  it("returns null without a single difference", () => {
    expect(estimateScreenNoise([0.1])).toBeNull();
    expect(estimateScreenNoise([0.1, 0.2], [1])).toBeNull();
  });
});

describe("the screen under run-to-run noise", () => {
  it("never fails a noise-dominated metric on one run: it asks for a confirmation", () => {
    const { verdict, metric } = ttftOf(0.03, 1.1, 1);
    expect(metric?.evidence?.runNoiseShare).toBeGreaterThan(0.5);
    expect(metric).toMatchObject({ outcome: "inconclusive", needsConfirmation: true });
    expect(verdict).toMatchObject({ conclusion: "neutral", kind: "inconclusive" });
    expect(verdict.reason).toMatch(/run-to-run noise dominates inference\.ttft_ms/);
    expect(verdict.tiers?.screen).toEqual({
      conclusion: verdict.conclusion,
      kind: verdict.kind,
      reason: verdict.reason,
    });
  });

  it("never fails on one run where run-to-run noise dominates, even a 30 % change: pairs confirm it", () => {
    const { metric, verdict } = ttftOf(0.03, 1.3, 1);
    expect(metric?.evidence?.runNoiseShare).toBeGreaterThan(0.5);
    expect(metric).toMatchObject({ outcome: "inconclusive", needsConfirmation: true });
    expect(metric?.reason).toMatch(/flagged by the screen.*run-to-run noise dominates/);
    expect(verdict.conclusion).toBe("neutral");
  });

  it("sends a worsening short of the threshold to pairs when one run cannot resolve the threshold", () => {
    // 4 % worse at 3 % run-to-run noise: below the 5 % threshold, but the MDE at power 0.9 is far above it.
    const leaning = [11, 12, 13, 14, 15, 16]
      .map((seed) => ttftOf(0.03, 1.04, seed).metric)
      .filter((m) => m?.change !== null && (m?.evidence?.worseP ?? 1) <= 0.05);
    expect(leaning.length).toBeGreaterThan(0);
    for (const m of leaning) {
      expect(m?.mdePct).toBeGreaterThan(5);
      expect(m).toMatchObject({ outcome: "inconclusive", needsConfirmation: true });
    }
    // Where one run resolves the threshold (little run-to-run noise), the same lean is not a close call.
    const quiet = ttftOf(0.001, 1.01, 11).metric;
    expect(quiet?.needsConfirmation).toBe(false);
  });

  it("closeCallP sets how strong a lean against run-to-run noise must be to go to pairs", () => {
    const specs: SeriesSpec[] = [{ key: TTFT, cv: 0.01, count: 30, runNoise: 0.03 }];
    let strict = 0;
    let loose = 0;
    // 4 pairs at power 0.99 never settle a straddle, so only the lean can make a call close.
    const leanOnly = { maxPairs: 4, straddlePower: 0.99 };
    for (const seed of [41, 42, 43, 44, 45, 46, 47, 48]) {
      const s = makeScenario(specs, { seed, factor: () => 1.03 });
      const close = (p: number): boolean =>
        computeVerdict(
          s.current,
          s.baseline,
          s.history,
          parseVerdictConfig({ closeCallP: p, ...leanOnly }),
        ).metrics[0]?.needsConfirmation ?? false;
      if (close(0.01)) strict++;
      if (close(0.4)) loose++;
    }
    expect(loose).toBeGreaterThan(strict);
  });

  it("judges a lean against robust noise, so spikes in the history do not hide a worsening", () => {
    // 1 % run-to-run noise and three one-run +50 % spikes before the level window (the last 10
    // runs), which inflate the screen's noise but not the level.
    const rng = createRng(17);
    const runOf = (i: number, level: number) =>
      makeRun(i, [
        makeMetric(
          TTFT,
          Array.from({ length: 30 }, (_, j) => level * (1 + 0.004 * ((j % 7) - 3))),
        ),
      ]);
    const history = Array.from({ length: 40 }, (_, i) =>
      runOf(i, 100 * Math.exp(0.01 * drawNormal(rng)) * (i < 30 && i % 10 === 5 ? 1.5 : 1)),
    );
    const current = runOf(40, 104);
    const metric = computeVerdict(current, history.at(-1), history, config).metrics[0];
    // Against the screen's (spike-inflated) noise the 4 % worsening is no lean at all ...
    expect((metric?.evidence?.runNoiseP ?? 0) / 2).toBeGreaterThan(config.closeCallP);
    // ... against the robust noise it is, so A/B pairs decide instead of a silent pass.
    expect(metric).toMatchObject({ outcome: "inconclusive", needsConfirmation: true });
    expect(metric?.reason).toMatch(/leans worse \(p=.*against robust run-to-run noise\)/);
    expect(metric?.straddle).toBeUndefined();
    // The clean run does not lean; the spikes widen its interval past 5 % and 1 % robust noise is
    // what pairs settle, so it goes to pairs as a straddle, not as a lean.
    const clean = computeVerdict(runOf(40, 100), history.at(-1), history, config).metrics[0];
    expect(clean?.change?.upperPercent).toBeGreaterThanOrEqual(5);
    expect(clean).toMatchObject({
      outcome: "inconclusive",
      needsConfirmation: true,
      straddle: true,
    });
    expect(clean?.reason).toMatch(/reaches the 5 % threshold, so one run cannot rule out/);
    expect(clean?.reason).toMatch(/at the stricter level 0\.01 as the screen did not lean worse/);
  });

  it("sends an interval that reaches the threshold to pairs only when maxPairs pairs can settle it", () => {
    // Identical current and baseline at 3 % run-to-run noise: no lean, an interval of about ±8 %.
    const specs: SeriesSpec[] = [{ key: TTFT, cv: 0.01, count: 30, runNoise: 0.03 }];
    const s = makeScenario(specs, { seed: 51 });
    const same = { ...s.baseline, runId: "current", source: { branch: "feature" } };
    const judge = (over: Record<string, unknown>) =>
      computeVerdict(same, s.baseline, s.history, parseVerdictConfig(over)).metrics[0];
    const settled = judge({});
    expect(settled?.change?.upperPercent).toBeGreaterThanOrEqual(5);
    expect(settled).toMatchObject({ outcome: "inconclusive", needsConfirmation: true });
    // Four pairs cannot resolve 5 % at 3 % noise: the screen's pass stands, and says why.
    const unsettled = judge({ maxPairs: 4 });
    expect(unsettled).toMatchObject({ outcome: "unchanged", needsConfirmation: false });
    expect(unsettled?.reason).toMatch(/too much for 4 A\/B pairs to settle it/);
    // A fixed pair count (confirmation.pairs) is what would run, so it is what must settle it.
    expect(judge({ confirmPairs: 4 })).toMatchObject({ outcome: "unchanged" });
    // A threshold wider than the interval needs no pairs at all.
    const wide = judge({ defaultThresholdPct: 30 });
    expect(wide).toMatchObject({ outcome: "unchanged", needsConfirmation: false });
    expect(wide?.reason).toMatch(/unchanged: /);
  });

  it("a lower closeCallPower makes fewer calls close", () => {
    const loose = parseVerdictConfig({ closeCallPower: 0.51 });
    const strict = parseVerdictConfig({ closeCallPower: 0.999 });
    const specs: SeriesSpec[] = [{ key: TTFT, cv: 0.05, count: 12, runNoise: 0.002 }];
    let looseClose = 0;
    let strictClose = 0;
    for (const seed of [31, 32, 33, 34, 35, 36, 37, 38]) {
      const s = makeScenario(specs, { seed, factor: () => 1.045 });
      const close = (c: typeof config): boolean =>
        computeVerdict(s.current, s.baseline, s.history, c).metrics[0]?.needsConfirmation ?? false;
      if (close(loose)) looseClose++;
      if (close(strict)) strictClose++;
    }
    expect(strictClose).toBeGreaterThan(looseClose);
  });

  it("fails a regression directly where sampling noise dominates", () => {
    const { metric } = ttftOf(0.001, 1.1, 2);
    expect(metric?.evidence?.runNoiseShare).toBeLessThan(0.5);
    expect(metric).toMatchObject({ outcome: "regressed", needsConfirmation: false });
  });
});

describe("minimum detectable effect", () => {
  it("shrinks as the history gets quieter", () => {
    const mdes = [0.04, 0.02, 0.01, 0.003].map((runNoise) =>
      [1, 2, 3].map((seed) => ttftOf(runNoise, 1, seed).metric?.mdePct ?? Number.NaN),
    );
    for (let i = 1; i < mdes.length; i++) {
      mdes[i]?.forEach((mde, seed) => {
        expect(mde).toBeLessThan(mdes[i - 1]?.[seed] ?? 0);
      });
    }
    expect(mdes.flat().every((m) => Number.isFinite(m) && m > 0)).toBe(true);
  });

  it("is set on every measured metric and null on one that was not compared", () => {
    const s = makeScenario([{ key: TTFT }], { seed: 3 });
    const current = {
      ...s.current,
      metrics: [...s.current.metrics, makeMetric("x.new_ms", [1, 2, 3])],
    };
    const v = computeVerdict(current, s.baseline, s.history, config);
    expect(v.metrics.find((m) => m.key === TTFT)?.mdePct).toBeGreaterThan(0);
    expect(v.metrics.find((m) => m.key === "x.new_ms")?.mdePct).toBeNull();
  });

  it("follows (t₁₋α + t_power) · se, and grows with a stricter alpha", () => {
    const base = {
      runVariance: 0.02 ** 2,
      levelRuns: 10,
      df: Number.POSITIVE_INFINITY,
      power: 0.8,
    };
    const mde = computeMdePct({ ...base, alpha: 0.05 });
    // z₀.₉₅ + z₀.₈ = 1.6449 + 0.8416; se = 0.02 · √1.1
    expect(mde).toBeCloseTo((Math.exp(2.4865 * 0.02 * Math.sqrt(1.1)) - 1) * 100, 2);
    expect(computeMdePct({ ...base, alpha: 0.001 })).toBeGreaterThan(mde ?? Infinity);
  });

  it.each([
    ["NaN variance", { runVariance: Number.NaN }],
    ["negative variance", { runVariance: -1 }],
    ["zero level runs", { levelRuns: 0 }],
    ["alpha 0", { alpha: 0 }],
    ["power 1", { power: 1 }],
  ])("is null for %s", (_name, change) => {
    const input = { runVariance: 1e-4, levelRuns: 10, df: 30, alpha: 0.01, power: 0.8, ...change };
    expect(computeMdePct(input)).toBeNull();
  });

  it("describes itself in one line", () => {
    expect(describeMde({ key: "ttft p50", mdePct: 7.04 })).toBe(
      "ttft p50: changes under 7.0 % cannot be told from noise on this cluster",
    );
    expect(describeMde({ key: "ttft p50", mdePct: null })).toMatch(/no minimum detectable effect/);
  });
});

describe("the archived verdict", () => {
  it("parses back from JSON with proto's schema, NaN and all", () => {
    const { verdict } = ttftOf(0.03, 1.1, 1);
    const parsed = VerdictSchema.parse(JSON.parse(JSON.stringify(verdict)));
    expect(parsed).toEqual(verdict);
  });
});
