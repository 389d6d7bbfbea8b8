import { describe, expect, it } from "vitest";
import { BRIDGE_SAMPLES, bridgeSamples, buildRunResult } from "../bench/build-run-result.js";
import { robustRunCvPct, withinCvs, type RealSeries } from "../bench/replay-real.js";
import { computeVerdict, parseVerdictConfig } from "../src/index.js";
import { createRng, drawNormal } from "../src/stats/index.js";

/** A recorded history: `n` values at `runCv` run-to-run noise, each with a range of `rangeShare` of it. */
function history(n: number, runCv: number, rangeShare: number | null, seed = 3): RealSeries {
  const rng = createRng(seed);
  const values = Array.from({ length: n }, () => 100 * Math.exp(runCv * drawNormal(rng)));
  return {
    source: "test",
    name: "bench",
    unit: "ns",
    direction: "smaller_is_better",
    values,
    ranges: rangeShare === null ? undefined : values.map((v) => v * rangeShare),
  };
}

/** The most a bridged run's within-run CV may be: its location as noisy as the series' runs. */
const mostFor = (s: RealSeries): number =>
  (robustRunCvPct(s.values) / 100) * Math.sqrt(BRIDGE_SAMPLES / (Math.PI / 3));

describe("the bridge from one recorded value to a run", () => {
  it("keeps a recorded range that the series' run-to-run noise can hold", () => {
    const s = history(60, 0.02, 0.01);
    const cvs = withinCvs(s, robustRunCvPct(s.values));
    expect(cvs.every((c) => Math.abs(c - 0.01) < 1e-9)).toBe(true);
  });

  it("caps a range that would make one run noisier than the series' runs differ", () => {
    // A stddev over many rounds, or a margin of error, 4x the value: not the spread of 10 samples.
    const s = history(60, 0.015, 4);
    const cvs = withinCvs(s, robustRunCvPct(s.values));
    const most = mostFor(s);
    expect(most).toBeLessThan(0.1);
    expect(cvs.every((c) => Math.abs(c - most) < 1e-12)).toBe(true);
  });

  it("takes the run-to-run CV where the source gives no range, and never less than 0.1 %", () => {
    const s = history(60, 0.02, null);
    const cv = robustRunCvPct(s.values);
    expect(withinCvs(s, cv).every((c) => Math.abs(c - cv / 100) < 1e-12)).toBe(true);
    const flat: RealSeries = { ...s, values: s.values.map(() => 100) };
    expect(withinCvs(flat, robustRunCvPct(flat.values)).every((c) => c === 0.001)).toBe(true);
  });

  it("lets the screen see the series' run-to-run noise even when the ranges are huge", () => {
    const config = parseVerdictConfig({});
    const s = history(60, 0.015, 4);
    const cvs = withinCvs(s, robustRunCvPct(s.values));
    const runs = s.values.map((v, i) =>
      buildRunResult(
        [{ key: "m", direction: "lower_is_better", samples: bridgeSamples(v, cvs[i] ?? 0) }],
        i,
        "main",
      ),
    );
    const [current, baseline] = [runs.at(-1), runs.at(-2)];
    if (current === undefined || baseline === undefined) throw new Error("no runs");
    const verdict = computeVerdict(current, baseline, runs.slice(0, -1), config);
    // Uncapped, one run's sampling error (about 4 / sqrt(10) of the value) swamped the 1.5 % the
    // series moves by: the screen judged against ~100 % noise, and no A/B pairs could settle it.
    const noise = verdict.metrics[0]?.evidence?.runNoisePct ?? Number.NaN;
    expect(noise).toBeGreaterThan(1);
    expect(noise).toBeLessThan(3);
  });
});
