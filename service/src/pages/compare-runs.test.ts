import { computeVerdict, describeChange, parseVerdictConfig } from "@mlxbench/verdict";
import { createRng } from "@mlxbench/verdict/stats";
import { describe, expect, it } from "vitest";
import { compareRuns } from "./compare-runs.js";
import { SLOW_METRIC, makeWideResult } from "./testing/seed-wide-archive.js";

// Compare speaks the verdict's words when B was judged against A, and no verdict's words when
// it was not: it once called every change of 1 % or more "regressed" (+5.9 % "regressed").

const VERDICT_WORDS = /regressed|improved|unchanged|not decided|unconfirmed|inconclusive/;
const rng = createRng(7);
const history = Array.from({ length: 6 }, (_, i) => makeWideResult(`main-${i}`, i, 1, rng));
const a = history.at(-1) ?? makeWideResult("main-5", 5, 1, rng);
const b = makeWideResult("pr", 6, 1.059, rng);

describe("compare in the verdict's words", () => {
  it("says only which way a median moved when B was not judged against A", () => {
    const rows = compareRuns(a, b);
    const slow = rows.find((r) => r.key === SLOW_METRIC);
    expect(slow?.changePct).toBeGreaterThan(1);
    expect(slow?.words).toEqual({ text: "worse, not judged", label: "worse", judged: false });
    expect(rows.every((r) => r.thresholdPct === undefined)).toBe(true);
    for (const r of rows) expect(r.words.text, r.key).not.toMatch(VERDICT_WORDS);
  });

  it("repeats B's verdict row by row when B was judged against A", () => {
    const verdict = computeVerdict(b, a, history, parseVerdictConfig({ resamples: 200 }), {
      baselineRunId: "main-5",
    });
    const rows = compareRuns(a, b, verdict);
    expect(rows).toHaveLength(verdict.metrics.length);
    for (const r of rows) {
      const m = verdict.metrics.find((v) => v.key === r.key);
      const said = m ? describeChange(m) : null;
      expect(r.words, r.key).toEqual({ text: said?.text, label: said?.label, judged: true });
      expect(r.thresholdPct, r.key).toBe(m?.thresholdPct);
    }
    // +5.9 % on a 5 % threshold within noise is not called regressed unless the verdict says so
    const slow = verdict.metrics.find((m) => m.key === SLOW_METRIC);
    const row = rows.find((r) => r.key === SLOW_METRIC);
    expect(row?.words.text === "🔴 regressed").toBe(slow?.outcome === "regressed");
  });
});
