import { describe, expect, it } from "vitest";
import { MissCauses, missCause } from "../bench/miss-causes.js";
import { computeVerdict, judgePairs, parseVerdictConfig, type Escalated } from "../src/index.js";
import { makeScenario } from "../src/make-run.test-helper.js";

const config = parseVerdictConfig({});
const TTFT = "inference.ttft_ms";

/** One metric, the head `factor` times the base: the screen's verdict. */
function screened(factor: number, runNoise: number): Escalated {
  const s = makeScenario([{ key: TTFT, cv: 0.01, count: 30, runNoise }], {
    seed: 1,
    factor: () => factor,
  });
  const verdict = computeVerdict(s.current, s.baseline, s.history, config);
  return { runResult: s.current, verdict, notes: [], step: { kind: "done" } };
}

describe("missCause", () => {
  it("names no cause for a flagged point, and the pairs' end for a confirmed one", () => {
    const flagged = screened(1.5, 0);
    expect(flagged.verdict.metrics[0]?.outcome).toBe("regressed");
    expect(missCause(flagged, config.maxPairs)).toBeNull();

    const close = screened(1.1, 0.03);
    expect(close.verdict.metrics[0]?.needsConfirmation).toBe(true);
    // Pairs that show no change at all: the close call ends unchanged.
    const pairs = Array.from({ length: config.maxPairs }, (_, i) => ({
      base: 100 + (i % 3),
      head: 100 + (i % 3),
    }));
    const confirmed: Escalated = {
      ...close,
      verdict: judgePairs(close.verdict, new Map([[TTFT, pairs]]), config),
      step: { kind: "confirm", pairs: config.maxPairs, metrics: [TTFT] },
    };
    expect(missCause(confirmed, config.maxPairs)).toBe(
      "a close call's A/B pairs at the cap ended unchanged",
    );
    expect(missCause(confirmed, config.maxPairs + 1)).toBe(
      "a close call's A/B pairs below the cap ended unchanged",
    );
    // Sized at 4, topped up by a second batch to the cap: counted by the pairs judged.
    const toppedUp: Escalated = {
      ...confirmed,
      step: { kind: "confirm", pairs: 4, metrics: [TTFT] },
    };
    expect(missCause(toppedUp, config.maxPairs)).toBe(
      "a close call's A/B pairs at the cap ended unchanged",
    );
  });

  it("counts the causes per band, largest first", () => {
    const causes = new MissCauses();
    causes.add("1-3", "b");
    causes.add("1-3", null);
    causes.add("1-3", "a");
    causes.add("1-3", "a");
    expect(causes.format(5).split("\n")).toEqual([
      "why +5 % points went unflagged, per band (MISSES=1):",
      "  1-3: 3 missed",
      "        2  a",
      "        1  b",
    ]);
  });
});
