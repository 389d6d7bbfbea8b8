import { describe, expect, it } from "vitest";
import type { RunResult } from "@mlxbench/proto";
import { computeVerdict } from "./compute-verdict.js";
import {
  computePairedMde,
  decideNextStep,
  deriveNextStepOptions,
  MIN_CONFIRM_PAIRS,
  sizePairs,
} from "./decide-next-step.js";
import { escalateCloseCalls, type EscalationIo } from "./escalate-close-calls.js";
import { describeChange } from "./describe-change.js";
import { collectPairs, judgePairs, type RunPair } from "./judge-pairs.js";
import { makeMetric, makeRun, makeScenario, type SeriesSpec } from "./make-run.test-helper.js";
import type { MetricVerdict, Verdict } from "./metric-verdict.js";
import {
  createRng,
  drawNormal,
  PairedInputError,
  testPairedLogRatio,
  type ValuePair,
} from "./stats/index.js";
import { parseVerdictConfig } from "./verdict-config.js";

const config = parseVerdictConfig({});
const TTFT = "inference.ttft_ms";
const E2E = "inference.e2e_ms";

/** A screen that asked for a confirmation of ttft (run-to-run noise 3 %, a 10 % change). */
function closeCall(): { runResult: RunResult; verdict: Verdict } {
  const specs: SeriesSpec[] = [{ key: TTFT, cv: 0.01, count: 30, runNoise: 0.03 }, { key: E2E }];
  const s = makeScenario(specs, { seed: 1, factor: (k) => (k === TTFT ? 1.1 : 1) });
  return {
    runResult: s.current,
    verdict: computeVerdict(s.current, s.baseline, s.history, config),
  };
}

/** n pairs whose head/base ratio is `ratio` times a shared run effect plus a little pair noise. */
function pairsOf(n: number, ratio: number, seed: number, pairNoise = 0.01): ValuePair[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => {
    const level = 100 * Math.exp(0.05 * drawNormal(rng)); // drift: shared by both runs of a pair
    return { base: level, head: level * ratio * Math.exp(pairNoise * drawNormal(rng)) };
  });
}

describe("testPairedLogRatio", () => {
  it("gives the mean log ratio with a t interval and one-sided p", () => {
    const pairs = [1.02, 1.05, 1.04, 1.06].map((r) => ({ base: 10, head: 10 * r }));
    const d = [1.02, 1.05, 1.04, 1.06].map(Math.log);
    const mean = d.reduce((a, b) => a + b, 0) / 4;
    const sd = Math.sqrt(d.reduce((a, x) => a + (x - mean) ** 2, 0) / 3);
    const r = testPairedLogRatio(pairs, { direction: "lower_is_better", level: 0.95 });
    expect(r.estimate).toBeCloseTo(mean, 12);
    expect(r.se).toBeCloseTo(sd / 2, 12);
    // t₀.₉₇₅ with 3 degrees of freedom is 3.182446
    expect(r.upper - r.estimate).toBeCloseTo(3.182446 * (sd / 2), 5);
    expect(r.worseP).toBeLessThan(0.01);
    expect(r.betterP).toBeGreaterThan(0.99);
    const up = testPairedLogRatio(pairs, { direction: "higher_is_better" });
    expect(up.worseP).toBeCloseTo(r.betterP, 12);
  });

  it("is certain about identical differences and neutral about none", () => {
    const same = [1, 2, 3].map((b) => ({ base: b, head: b * 1.1 }));
    expect(testPairedLogRatio(same, { direction: "lower_is_better" }).worseP).toBe(0);
    const none = [1, 2, 3].map((b) => ({ base: b, head: b }));
    expect(testPairedLogRatio(none, { direction: "lower_is_better" }).worseP).toBe(0.5);
  });

  it.each([
    ["no pairs", [], /at least 2 A\/B pairs, got 0/],
    ["one pair", [{ base: 1, head: 1 }], /at least 2 A\/B pairs, got 1/],
    [
      "NaN",
      [
        { base: 1, head: 1 },
        { base: Number.NaN, head: 1 },
      ],
      /pair 2: base value NaN/,
    ],
    [
      "a zero",
      [
        { base: 1, head: 0 },
        { base: 1, head: 1 },
      ],
      /pair 1: head value 0 is not a finite positive/,
    ],
    [
      "Infinity",
      [
        { base: 1, head: 1 },
        { base: 1, head: Infinity },
      ],
      /pair 2: head value Infinity/,
    ],
  ] as const)("rejects %s by name", (_name, pairs, message) => {
    expect(() => testPairedLogRatio(pairs, { direction: "lower_is_better" })).toThrow(
      PairedInputError,
    );
    expect(() => testPairedLogRatio(pairs, { direction: "lower_is_better" })).toThrow(message);
  });

  it("trims from 10 pairs on (Yuen), so one spiked pair cannot decide alone", () => {
    const calm = Array.from({ length: 11 }, (_, i) => ({
      base: 100,
      head: 100 * (1 + 0.001 * (i - 5)),
    }));
    const spiked = [...calm, { base: 100, head: 160 }];
    const plain = testPairedLogRatio(spiked, { direction: "lower_is_better" });
    const yuen = testPairedLogRatio(spiked, { direction: "lower_is_better", trim: 0.2 });
    expect(plain).toMatchObject({ method: "paired-t", trimmed: 0 });
    expect(yuen).toMatchObject({ method: "paired-yuen", trimmed: 2, pairs: 12 });
    // Sorted, 2 cut from each end: the spike and the +0.5 % pair on top, the two lowest below.
    const kept = spiked
      .map((p) => Math.log(p.head / p.base))
      .sort((a, b) => a - b)
      .slice(2, 10);
    expect(yuen.estimate).toBeCloseTo(kept.reduce((a, b) => a + b, 0) / 8, 12);
    expect(plain.estimate).toBeGreaterThan(0.03);
    expect(Math.abs(yuen.estimate)).toBeLessThan(0.002);
    const nineCalm = calm.slice(2);
    expect(testPairedLogRatio(nineCalm, { direction: "lower_is_better", trim: 0.2 })).toMatchObject(
      { method: "paired-t", trimmed: 0 },
    );
    expect(() => testPairedLogRatio(calm, { direction: "lower_is_better", trim: 0.5 })).toThrow(
      /trim must be in \[0, 0\.5\)/,
    );
  });

  it("below 10 pairs cuts one pair from each end only when an end is a spike", () => {
    // Seven calm pairs around +2 % and one pair hit by a 60 % spike.
    const calm = [1.018, 1.022, 1.019, 1.021, 1.02, 1.017, 1.023].map((r) => ({
      base: 100,
      head: 100 * r,
    }));
    const spiked = [...calm, { base: 100, head: 160 }];
    const plain = testPairedLogRatio(spiked, { direction: "lower_is_better" });
    const cut = testPairedLogRatio(spiked, { direction: "lower_is_better", trim: 0.2 });
    expect(plain).toMatchObject({ method: "paired-t", trimmed: 0, pairs: 8 });
    expect(cut).toMatchObject({ method: "paired-yuen", trimmed: 1, pairs: 8 });
    // The spike pulls the plain mean over +7 %; the cut leaves the calm pairs' +2 %.
    expect(plain.estimate).toBeGreaterThan(Math.log(1.07));
    expect(cut.estimate).toBeCloseTo(Math.log(1.02), 2);
    expect(cut.upper - cut.lower).toBeLessThan((plain.upper - plain.lower) / 5);
    // An end within 5 robust sds is spread, not a spike: nothing is cut.
    const wide = [...calm, { base: 100, head: 100 * 1.026 }];
    expect(testPairedLogRatio(wide, { direction: "lower_is_better", trim: 0.2 })).toMatchObject({
      method: "paired-t",
      trimmed: 0,
    });
    // trim 0 turns the cut off; fewer than 5 pairs are never cut.
    expect(testPairedLogRatio(spiked, { direction: "lower_is_better", trim: 0 }).trimmed).toBe(0);
    const four = [...calm.slice(0, 3), { base: 100, head: 160 }];
    expect(testPairedLogRatio(four, { direction: "lower_is_better", trim: 0.2 }).trimmed).toBe(0);
  });

  it("rejects a level outside (0, 1)", () => {
    expect(() =>
      testPairedLogRatio(pairsOf(4, 1, 1), { direction: "lower_is_better", level: 95 }),
    ).toThrow(/level must be between 0 and 1, got 95/);
  });
});

describe("judgePairs", () => {
  const first = closeCall();

  it("confirms a real regression and keeps both tiers", () => {
    const v = judgePairs(first.verdict, new Map([[TTFT, pairsOf(8, 1.08, 3)]]), config);
    const m = v.metrics.find((x) => x.key === TTFT);
    expect(v).toMatchObject({ conclusion: "failure", kind: "regressed" });
    expect(m).toMatchObject({ outcome: "regressed", needsConfirmation: false });
    expect(m?.change).toEqual(first.verdict.metrics.find((x) => x.key === TTFT)?.change);
    expect(m?.confirmation).toMatchObject({
      pairs: 8,
      method: "paired-t",
      screenOutcome: "inconclusive",
    });
    expect(m?.confirmation?.percent).toBeGreaterThan(6);
    expect(m?.confirmation?.percent).toBeLessThan(10);
    expect(v.reason).toMatch(
      /^1 metric regressed: inference\.ttft_ms \+\d+\.\d % \[\+\d+\.\d, \+\d+\.\d\] \(8 A\/B pairs\)/,
    );
    expect(v.tiers?.screen).toMatchObject({ conclusion: "neutral", kind: "inconclusive" });
    expect(v.tiers?.confirmation).toMatchObject({
      conclusion: "failure",
      pairs: 8,
      metrics: [TTFT],
    });
  });

  it("ends green when the screen's flag was one run's spike", () => {
    const v = judgePairs(first.verdict, { [TTFT]: pairsOf(8, 1, 4) }, config);
    expect(v).toMatchObject({ conclusion: "success", kind: "ok" });
    expect(v.metrics.find((x) => x.key === TTFT)?.reason).toMatch(/did not hold up/);
  });

  it("leaves a metric not decided when its pairs' interval reaches past the threshold", () => {
    const v = judgePairs(first.verdict, { [TTFT]: pairsOf(3, 1.02, 5, 0.08) }, config);
    const m = v.metrics.find((x) => x.key === TTFT);
    expect(m?.confirmation?.upperPercent).toBeGreaterThan(5);
    expect(m?.outcome).toBe("inconclusive");
    expect(m?.reason).toMatch(/not decided: 3 A\/B pairs give .* more pairs would decide/);
    expect(v).toMatchObject({ conclusion: "neutral", kind: "inconclusive" });
    // Every reader's label agrees: not decided, and it says pairs (not samples) would decide.
    expect(m === undefined ? null : describeChange(m).text).toBe(
      "🟡 not decided (3 A/B pairs; more pairs would decide)",
    );
  });

  it("calls pairs unchanged only when their interval lies within ±threshold", () => {
    const v = judgePairs(first.verdict, { [TTFT]: pairsOf(8, 1.005, 6, 0.01) }, config);
    const m = v.metrics.find((x) => x.key === TTFT);
    expect(m?.outcome).toBe("unchanged");
    expect(m?.confirmation?.upperPercent).toBeLessThanOrEqual(m?.thresholdPct ?? 0);
    expect(m?.confirmation?.lowerPercent).toBeGreaterThanOrEqual(-(m?.thresholdPct ?? 0));
    expect(m === undefined ? null : describeChange(m).label).toBe("unchanged");
  });

  it("decides at confirmAlpha: a regression at p between 0.005 and 0.01 is not confirmed", () => {
    // 4 pairs, mean +8 %, spread chosen so the one-sided p lies between the two levels.
    const pairs = [1.05, 1.07, 1.09, 1.13].map((r) => ({ base: 100, head: 100 * r }));
    const p = testPairedLogRatio(pairs, { direction: "lower_is_better" }).worseP;
    expect(p).toBeGreaterThan(0.005);
    expect(p).toBeLessThan(0.01);
    const strict = judgePairs(
      first.verdict,
      { [TTFT]: pairs },
      parseVerdictConfig({ confirmAlpha: 0.005 }),
    );
    // Not confirmed at 0.005, and its interval reaches past the threshold: not decided.
    expect(strict.metrics.find((x) => x.key === TTFT)?.outcome).toBe("inconclusive");
    const loose = judgePairs(
      first.verdict,
      { [TTFT]: pairs },
      parseVerdictConfig({ confirmAlpha: 0.01 }),
    );
    expect(loose.metrics.find((x) => x.key === TTFT)?.outcome).toBe("regressed");
    // The default (0.02, chosen on the paired bench) confirms it too.
    expect(config.confirmAlpha).toBe(0.02);
    const byDefault = judgePairs(first.verdict, { [TTFT]: pairs }, config);
    expect(byDefault.metrics.find((x) => x.key === TTFT)?.outcome).toBe("regressed");
  });

  it("decides a straddle at straddleAlpha unless a person asked for the pairs", () => {
    // 4 pairs, mean about +8.5 %, one-sided p between straddleAlpha (0.01) and confirmAlpha (0.02).
    const pairs = [1.03, 1.07, 1.09, 1.15].map((r) => ({ base: 100, head: 100 * r }));
    const p = testPairedLogRatio(pairs, { direction: "lower_is_better" }).worseP;
    expect(p).toBeGreaterThan(config.straddleAlpha);
    expect(p).toBeLessThan(config.confirmAlpha);
    const straddled: Verdict = {
      ...first.verdict,
      metrics: first.verdict.metrics.map((x) => (x.key === TTFT ? { ...x, straddle: true } : x)),
    };
    const ttftOf = (v: Verdict) => v.metrics.find((x) => x.key === TTFT);
    const automatic = ttftOf(judgePairs(straddled, { [TTFT]: pairs }, config));
    expect(automatic?.outcome).toBe("inconclusive");
    expect(automatic?.confirmation?.level).toBe(config.straddleAlpha);
    expect(automatic?.reason).toMatch(/above the level 0\.01\)/);
    const asked = judgePairs(straddled, { [TTFT]: pairs }, config, { requested: true });
    expect(ttftOf(asked)).toMatchObject({ outcome: "regressed", confirmation: { level: 0.02 } });
    expect(ttftOf(asked)?.reason).toMatch(/regressed, confirmed: .*, level 0\.02\)$/);
    // A flag the screen raised itself is decided at confirmAlpha, automatic or not.
    expect(ttftOf(judgePairs(first.verdict, { [TTFT]: pairs }, config))?.outcome).toBe("regressed");
  });

  it("judges an interval past the threshold at Holm's level: a 95 % interval alone does not decide", () => {
    // 2 pairs near +82 %: the 95 % interval clears the threshold, the one-sided p (1 degree of
    // freedom) stays above 0.02. It was once called regressed by the 95 % interval alone.
    const pairs = [1.7457, 1.9018].map((r) => ({ base: 100, head: 100 * r }));
    const r = testPairedLogRatio(pairs, { direction: "lower_is_better", level: config.confidence });
    const m0 = first.verdict.metrics.find((x) => x.key === TTFT);
    const threshold = Math.log(1 + (m0?.thresholdPct ?? Infinity) / 100);
    expect(r.worseP).toBeGreaterThan(config.confirmAlpha);
    expect(r.lower).toBeGreaterThan(threshold);
    // At Holm's level (one-sided confirmAlpha for the one metric) the interval reaches below it.
    const holm = testPairedLogRatio(pairs, {
      direction: "lower_is_better",
      level: 1 - 2 * config.confirmAlpha,
    });
    expect(holm.lower).toBeLessThan(threshold);
    const v = judgePairs(first.verdict, { [TTFT]: pairs }, config);
    const m = v.metrics.find((x) => x.key === TTFT);
    expect(m?.outcome).toBe("inconclusive");
    expect(v).toMatchObject({ conclusion: "neutral", kind: "inconclusive" });
    // The readers show it as what it is: worse past the threshold, not confirmed.
    expect(m === undefined ? null : describeChange(m).label).toBe("unconfirmed_worse");
  });

  it("decides every interval wholly past the threshold at Holm's level (seeded pairs, k metrics)", () => {
    const rng = createRng(11);
    let decided = 0;
    for (let trial = 0; trial < 200; trial++) {
      const n = 2 + (trial % 7);
      const ratio = Math.exp(0.15 * drawNormal(rng));
      const pairs = pairsOf(n, ratio, 1000 + trial, 0.02 + 0.1 * Math.abs(drawNormal(rng)));
      // Two confirmed metrics (k = 2): Holm's first level is confirmAlpha / 2.
      const v = judgePairs(first.verdict, { [TTFT]: pairs, [E2E]: pairsOf(n, 1, trial) }, config);
      const m = v.metrics.find((x) => x.key === TTFT);
      const holm = testPairedLogRatio(pairs, {
        direction: "lower_is_better",
        level: 1 - config.confirmAlpha,
      });
      const t = Math.log(1 + (m?.thresholdPct ?? Infinity) / 100);
      if (holm.lower >= t) {
        decided++;
        expect(m?.outcome).toBe("regressed");
      }
      if (holm.upper <= -t) {
        decided++;
        expect(m?.outcome).toBe("improved");
      }
    }
    expect(decided).toBeGreaterThan(20);
  });

  it.each([
    ["no pairs", []],
    [
      "a NaN",
      [
        { base: 1, head: 2 },
        { base: Number.NaN, head: 1 },
      ],
    ],
    [
      "zeros",
      [
        { base: 0, head: 0 },
        { base: 1, head: 1 },
      ],
    ],
  ])("marks the metric invalid for %s, never a verdict from it", (_name, pairs) => {
    const v = judgePairs(first.verdict, { [TTFT]: pairs }, config);
    expect(v).toMatchObject({ conclusion: "neutral", kind: "invalid_input" });
    expect(v.metrics.find((x) => x.key === TTFT)).toMatchObject({
      outcome: "invalid",
      confirmation: null,
    });
    expect(v.reason).toMatch(/inference\.ttft_ms: the A\/B pairs cannot be judged/);
  });

  it("leaves a failed validation as it is", () => {
    const failed: Verdict = { ...first.verdict, conclusion: "failure", kind: "validation_failed" };
    expect(judgePairs(failed, { [TTFT]: pairsOf(8, 1, 1) }, config)).toBe(failed);
  });
});

describe("collectPairs", () => {
  it("takes each run's Hodges–Lehmann location (log scale) and marks a run without the metric NaN", () => {
    const run = (id: number, values: number[] | null): RunResult =>
      makeRun(id, values === null ? [] : [makeMetric(TTFT, values)]);
    const pairs: RunPair[] = [
      // log2 of [2, 4, 8, 8] is [1, 2, 3, 3]: Walsh averages' median 2.25, where the median is 6.
      { base: run(1, [2, 4, 8, 8]), head: run(2, [4, 8, 16, 16]) },
      { base: run(3, [5, 5]), head: run(4, null) },
    ];
    const got = collectPairs(pairs, [TTFT]).get(TTFT);
    expect(got?.[0]?.base).toBeCloseTo(2 ** 2.25, 12);
    expect(got?.[0]?.head).toBeCloseTo(2 ** 3.25, 12);
    expect(got?.[1]?.base).toBe(5);
    expect(got?.[1]?.head).toBeNaN();
  });
});

describe("decideNextStep", () => {
  const first = closeCall();
  const withMetrics = (v: Verdict, change: (m: MetricVerdict) => MetricVerdict): Verdict => ({
    ...v,
    metrics: v.metrics.map(change),
  });

  it("confirms a close call under run-to-run noise, sized from the noise and clamped", () => {
    const step = decideNextStep(first.verdict, { maxPairs: 12 });
    expect(step).toMatchObject({ kind: "confirm", metrics: [TTFT] });
    if (step.kind !== "confirm") throw new Error("unreachable");
    expect(step.pairs).toBeGreaterThanOrEqual(MIN_CONFIRM_PAIRS);
    expect(step.pairs).toBeLessThanOrEqual(12);
    expect(decideNextStep(first.verdict, { maxPairs: 5 })).toMatchObject({ pairs: 5 });
    expect(decideNextStep(first.verdict, { maxPairs: 12, confirmPairs: 6 })).toMatchObject({
      pairs: 6,
    });
    expect(decideNextStep(first.verdict, { maxPairs: 12, confirmPairs: 40 })).toMatchObject({
      pairs: 12,
    });
  });

  it("sizes a straddle's pairs at straddleAlpha, a requested confirmation's at alpha", () => {
    const straddled = {
      ...first.verdict,
      metrics: first.verdict.metrics.map((x) => (x.key === TTFT ? { ...x, straddle: true } : x)),
    };
    const opts = { maxPairs: 100, alpha: 0.02, straddleAlpha: 0.002, power: 0.9 };
    const pairsOfStep = (v: Verdict, o: Parameters<typeof decideNextStep>[1]): number => {
      const step = decideNextStep(v, o);
      if (step.kind !== "confirm") throw new Error(`expected a confirmation, got ${step.kind}`);
      return step.pairs;
    };
    const flagged = pairsOfStep(first.verdict, opts);
    expect(pairsOfStep(straddled, opts)).toBeGreaterThan(flagged);
    const asked = { ...opts, confirm: "requested" as const };
    expect(pairsOfStep(straddled, asked)).toBe(pairsOfStep(first.verdict, asked));
  });

  it("sizes fewer pairs for a quieter metric", () => {
    const evidence = first.verdict.metrics.find((x) => x.key === TTFT)?.evidence;
    if (evidence == null) throw new Error("ttft was measured");
    const at = (runNoisePct: number) =>
      sizePairs({ thresholdPct: 5, evidence: { ...evidence, runNoisePct } }, 1, {
        maxPairs: 100,
      });
    expect(at(1)).toBe(MIN_CONFIRM_PAIRS);
    expect(at(3)).toBeGreaterThan(at(2));
    expect(at(6)).toBeGreaterThan(at(3));
  });

  it("sizes the first pair count whose paired MDE meets the threshold", () => {
    const evidence = first.verdict.metrics.find((x) => x.key === TTFT)?.evidence;
    if (evidence == null) throw new Error("ttft was measured");
    const opts = { alpha: 0.02, power: 0.9, trim: 0.2 };
    const n = sizePairs({ thresholdPct: 5, evidence: { ...evidence, runNoisePct: 3 } }, 1, {
      maxPairs: 100,
      ...opts,
    });
    expect(computePairedMde(3, n, opts)).toBeLessThanOrEqual(Math.log(1.05));
    expect(computePairedMde(3, n - 1, opts)).toBeGreaterThan(Math.log(1.05));
    expect(computePairedMde(3, 20, opts)).toBeLessThan(computePairedMde(3, 12, opts));
    expect(computePairedMde(4, 12, opts)).toBeGreaterThan(computePairedMde(3, 12, opts));
  });

  it("sizes more pairs for a trimmed test and a stricter level, and derives them from the config", () => {
    const evidence = first.verdict.metrics.find((x) => x.key === TTFT)?.evidence;
    if (evidence == null) throw new Error("ttft was measured");
    const m = { thresholdPct: 5, evidence: { ...evidence, runNoisePct: 2.5 } };
    const plain = sizePairs(m, 1, { maxPairs: 100, alpha: 0.005, power: 0.9 });
    const trimmed = sizePairs(m, 1, { maxPairs: 100, alpha: 0.005, power: 0.9, trim: 0.2 });
    const looser = sizePairs(m, 1, { maxPairs: 100, alpha: 0.01, power: 0.9 });
    expect(plain).toBeGreaterThanOrEqual(10);
    expect(trimmed).toBeGreaterThan(plain);
    expect(looser).toBeLessThan(plain);
    const c = parseVerdictConfig({
      confirmAlpha: 0.002,
      confirmPower: 0.95,
      confirmTrim: 0.1,
      maxPairs: 20,
    });
    expect(deriveNextStepOptions(c)).toEqual({
      maxPairs: 20,
      alpha: 0.002,
      straddleAlpha: 0.01,
      power: 0.95,
      trim: 0.1,
    });
    expect(deriveNextStepOptions(parseVerdictConfig({ confirmPairs: 6 }))).toMatchObject({
      confirmPairs: 6,
      alpha: 0.02,
      power: 0.9,
      trim: 0.2,
    });
  });

  it("re-runs an inconclusive verdict that more samples can decide", () => {
    const v = withMetrics(first.verdict, (m) => ({ ...m, needsConfirmation: false }));
    expect(decideNextStep(v, { maxPairs: 12 })).toEqual({ kind: "rerun" });
  });

  it("does nothing for a decided verdict or an ungated close call", () => {
    const s = makeScenario([{ key: TTFT }], { seed: 2 });
    const ok = computeVerdict(s.current, s.baseline, s.history, config);
    expect(decideNextStep(ok, { maxPairs: 12 })).toEqual({ kind: "done" });
    const ungated = withMetrics(first.verdict, (m) => ({ ...m, gated: false }));
    expect(decideNextStep(ungated, { maxPairs: 12 })).toEqual({ kind: "rerun" });
  });

  it("confirms every compared gated metric when a person asks, whatever the screen said", () => {
    const s = makeScenario([{ key: TTFT }, { key: "inference.e2e_ms" }], { seed: 2 });
    const ok = computeVerdict(s.current, s.baseline, s.history, config);
    expect(ok.kind).toBe("ok");
    expect(decideNextStep(ok, { maxPairs: 12, confirm: "requested", confirmPairs: 6 })).toEqual({
      kind: "confirm",
      pairs: 6,
      metrics: [TTFT, "inference.e2e_ms"],
      requested: true,
    });
    const ungatedE2e = withMetrics(ok, (m) => ({ ...m, gated: m.key === TTFT }));
    expect(decideNextStep(ungatedE2e, { maxPairs: 12, confirm: "requested" })).toMatchObject({
      kind: "confirm",
      metrics: [TTFT],
    });
  });

  it("says why a requested confirmation cannot run: nothing compared, or validation failed", () => {
    const s = makeScenario([{ key: TTFT }], { seed: 2 });
    const none = computeVerdict(s.current, null, [], config);
    expect(decideNextStep(none, { maxPairs: 12, confirm: "requested" })).toMatchObject({
      kind: "done",
      note: expect.stringMatching(/no gated metric was compared/) as unknown,
    });
    const failed: Verdict = { ...first.verdict, kind: "validation_failed", conclusion: "failure" };
    expect(decideNextStep(failed, { maxPairs: 12, confirm: "requested" })).toMatchObject({
      kind: "done",
      note: expect.stringMatching(/validation failed/) as unknown,
    });
  });

  it("with confirmation off, leaves a close call inconclusive and says how to ask", () => {
    const step = decideNextStep(first.verdict, { maxPairs: 12, confirm: "off" });
    expect(step.kind).toBe("done");
    expect(step.kind === "done" ? step.note : "").toMatch(
      /inference\.ttft_ms is close.*confirmation\.automatic: false.*`\/benchmark confirm`/,
    );
    const rerunnable = withMetrics(first.verdict, (m) => ({ ...m, needsConfirmation: false }));
    expect(decideNextStep(rerunnable, { maxPairs: 12, confirm: "off" })).toEqual({
      kind: "rerun",
    });
  });

  it.each([
    [{ maxPairs: 1 }, /maxPairs must be an integer of at least 2, got 1/],
    [{ maxPairs: Number.NaN }, /maxPairs must be an integer of at least 2, got NaN/],
    [{ maxPairs: 12, confirmPairs: 2.5 }, /confirmPairs must be an integer/],
  ])("rejects %j", (opts, message) => {
    expect(() => decideNextStep(first.verdict, opts)).toThrow(message);
  });
});

describe("escalateCloseCalls", () => {
  const first = closeCall();
  const clean = (() => {
    const s = makeScenario([{ key: TTFT }], { seed: 2 });
    return {
      runResult: s.current,
      verdict: computeVerdict(s.current, s.baseline, s.history, config),
    };
  })();
  const asRunPairs = (values: ValuePair[]): RunPair[] =>
    values.map((p, i) => ({
      base: makeRun(100 + i, [makeMetric(TTFT, [p.base, p.base])]),
      head: makeRun(200 + i, [makeMetric(TTFT, [p.head, p.head])]),
    }));
  function io(over: Partial<EscalationIo> = {}): EscalationIo & { calls: string[] } {
    const calls: string[] = [];
    return {
      calls,
      runAgain: () => (calls.push("runAgain"), Promise.resolve(first.runResult)),
      runPairs: (n, metrics) => (
        calls.push(`runPairs ${n} ${metrics.join(",")}`),
        Promise.resolve(asRunPairs(pairsOf(n, 1.08, 3)))
      ),
      judge: () => (calls.push("judge"), Promise.resolve(clean.verdict)),
      judgePairs: (s, p, o) => (calls.push("judgePairs"), judgePairs(s, p, config, o)),
      ...over,
    };
  }

  it("does nothing when the screen decided", async () => {
    const x = io();
    const out = await escalateCloseCalls(clean, x, { maxPairs: 12 });
    expect(x.calls).toEqual([]);
    expect(out).toMatchObject({ verdict: clean.verdict, notes: [], step: { kind: "done" } });
  });

  it("runs the pairs decideNextStep sized and judges them", async () => {
    const x = io();
    const out = await escalateCloseCalls(first, x, { maxPairs: 12, confirmPairs: 8 });
    expect(x.calls).toEqual([`runPairs 8 ${TTFT}`, "judgePairs"]);
    expect(out.verdict.kind).toBe("regressed");
    expect(out.verdict.tiers?.confirmation?.pairs).toBe(8);
    expect(out.runResult).toBe(first.runResult);
    expect(out.notes.join(" ")).toMatch(/8 A\/B pairs of the merge-base and this commit/);
  });

  it("runs no pairs with confirmation off and says so; runs them on request for a decided screen", async () => {
    const off = io();
    const kept = await escalateCloseCalls(first, off, { maxPairs: 12, confirm: "off" });
    expect(off.calls).toEqual([]);
    expect(kept.verdict).toBe(first.verdict);
    expect(kept.notes[0]).toMatch(/automatic confirmation is off/);
    const asked = io();
    const out = await escalateCloseCalls(clean, asked, {
      maxPairs: 12,
      confirmPairs: 6,
      confirm: "requested",
    });
    expect(asked.calls).toEqual([`runPairs 6 ${TTFT}`, "judgePairs"]);
    expect(out.verdict.tiers?.confirmation?.pairs).toBe(6);
    expect(out.notes[0]).toMatch(/^A confirmation was requested: 6 A\/B pairs/);
  });

  it("keeps the screen's verdict when the pairs cannot be run (a merge-base that no longer builds)", async () => {
    const x = io({ runPairs: () => Promise.reject(new Error("merge-base does not build")) });
    const warned: unknown[] = [];
    const out = await escalateCloseCalls(first, x, {
      maxPairs: 12,
      log: { warn: (o) => warned.push(o.err) },
    });
    expect(out.verdict).toBe(first.verdict);
    expect(out.notes[0]).toMatch(
      /running them failed \(merge-base does not build\), so this is the first run's verdict/,
    );
    expect(warned).toHaveLength(1);
  });

  it("re-runs when more samples can decide, and keeps the first verdict when that fails", async () => {
    const rerunnable = {
      ...first,
      verdict: {
        ...first.verdict,
        metrics: first.verdict.metrics.map((m) => ({ ...m, needsConfirmation: false })),
      },
    };
    const x = io();
    const out = await escalateCloseCalls(rerunnable, x, { maxPairs: 12 });
    expect(x.calls).toEqual(["runAgain", "judge"]);
    expect(out.verdict).toBe(clean.verdict);
    expect(out.notes.join(" ")).toMatch(/pooled/);
    const failing = io({ runAgain: () => Promise.reject(new Error("suite exited 1")) });
    const kept = await escalateCloseCalls(rerunnable, failing, { maxPairs: 12 });
    expect(kept.verdict).toBe(rerunnable.verdict);
    expect(kept.notes[0]).toMatch(/an automatic re-run failed \(suite exited 1\)/);
  });

  it("runs more pairs, up to maxPairs, when the sized ones leave the metric not decided", async () => {
    // Pairs that swing both ways (1.3×, then 0.85×): their interval stays wide.
    const swinging = (n: number): RunPair[] =>
      asRunPairs(
        Array.from({ length: n }, (_, i) => ({ base: 100, head: i % 2 === 0 ? 130 : 85 })),
      );
    const sized = decideNextStep(first.verdict, { maxPairs: 12 });
    if (sized.kind !== "confirm") throw new Error("the close call should confirm");
    expect(sized.pairs).toBeLessThan(12);
    const x = io({
      runPairs: (n, metrics) => (
        x.calls.push(`runPairs ${n} ${metrics.join(",")}`),
        Promise.resolve(swinging(n))
      ),
    });
    const out = await escalateCloseCalls(first, x, { maxPairs: 12 });
    expect(x.calls).toEqual([
      `runPairs ${sized.pairs} ${TTFT}`,
      "judgePairs",
      `runPairs ${12 - sized.pairs} ${TTFT}`,
      "judgePairs",
    ]);
    expect(out.verdict.tiers?.confirmation?.pairs).toBe(12);
    expect(out.notes[0]).toMatch(
      new RegExp(`12 A/B pairs .*\\(${sized.pairs} first, ${12 - sized.pairs} more`),
    );
    // A count a person fixed is run as it is.
    const fixed = io({
      runPairs: (n) => (fixed.calls.push(`runPairs ${n}`), Promise.resolve(swinging(n))),
    });
    await escalateCloseCalls(first, fixed, { maxPairs: 12, confirmPairs: 6 });
    expect(fixed.calls).toEqual(["runPairs 6", "judgePairs"]);
  });

  it("keeps the first batch's verdict, and says why, when the second batch fails", async () => {
    let batches = 0;
    const x = io({
      runPairs: (n) =>
        ++batches === 1
          ? Promise.resolve(
              asRunPairs(
                Array.from({ length: n }, (_, i) => ({ base: 100, head: i % 2 === 0 ? 130 : 85 })),
              ),
            )
          : Promise.reject(new Error("cluster lost")),
    });
    const warned: unknown[] = [];
    const out = await escalateCloseCalls(first, x, {
      maxPairs: 12,
      log: { warn: (o) => warned.push(o.err) },
    });
    expect(batches).toBe(2);
    expect(out.verdict.metrics.find((m) => m.key === TTFT)?.outcome).toBe("inconclusive");
    expect(out.verdict.tiers?.confirmation?.pairs).toBeLessThan(12);
    expect(out.notes.join(" ")).toMatch(
      /running them failed \(cluster lost\), so this is the first/,
    );
    expect(warned).toHaveLength(1);
  });

  it("rethrows when the job was aborted", async () => {
    const controller = new AbortController();
    const x = io({
      runPairs: () => {
        controller.abort();
        return Promise.reject(new Error("cancelled"));
      },
    });
    await expect(
      escalateCloseCalls(first, x, { maxPairs: 12, signal: controller.signal }),
    ).rejects.toThrow("cancelled");
  });
});
