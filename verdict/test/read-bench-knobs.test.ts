import { describe, expect, it } from "vitest";
import {
  readConfigKnob,
  readCountKnob,
  readFlagKnob,
  readHalfKnob,
  readNumberKnob,
  readOnlyKnobs,
} from "../bench/read-knobs.js";
import { parseVerdictConfig } from "../src/index.js";

describe("bench:verdict knobs", () => {
  it("reads numbers, switches and a config, with defaults when unset", () => {
    expect(readNumberKnob({}, "PAIRED_TRIALS", 1000)).toBe(1000);
    expect(readNumberKnob({ PAIRED_TRIALS: "250" }, "PAIRED_TRIALS", 1000)).toBe(250);
    expect(readCountKnob({}, "PAIRED_METRICS", 1, 1)).toBe(1);
    expect(readCountKnob({ PAIRED_PAIRS: "2" }, "PAIRED_PAIRS", 8, 2)).toBe(2);
    expect(readFlagKnob({}, "REAL_ONLY")).toBe(false);
    expect(readFlagKnob({ REAL_ONLY: "1" }, "REAL_ONLY")).toBe(true);
    expect(readFlagKnob({ REAL_ONLY: "0" }, "REAL_ONLY")).toBe(false);
    expect(readOnlyKnobs({ PAIRED_ONLY: "1" })).toEqual({ realOnly: false, pairedOnly: true });
    expect(readConfigKnob({})).toEqual({});
    expect(readHalfKnob({})).toBe("all");
    expect(readHalfKnob({ REAL_HALF: "odd" })).toBe("odd");
    const overrides = readConfigKnob({ CONFIG: '{"confirmAlpha":0.01,"closeCallP":0.2}' });
    expect(parseVerdictConfig(overrides)).toMatchObject({ confirmAlpha: 0.01, closeCallP: 0.2 });
  });

  it.each([
    [
      "a negative number",
      () => readNumberKnob({ SEED: "-1" }, "SEED", 7),
      /SEED must be a number ≥ 0, got -1/,
    ],
    [
      "a word for a number",
      () => readNumberKnob({ SEED: "seven" }, "SEED", 7),
      /SEED must be a number ≥ 0, got seven/,
    ],
    [
      "a half that is not one",
      () => readHalfKnob({ REAL_HALF: "first" }),
      /REAL_HALF must be even or odd, got first/,
    ],
    [
      "no metrics in a paired job",
      () => readCountKnob({ PAIRED_METRICS: "0" }, "PAIRED_METRICS", 1, 1),
      /PAIRED_METRICS must be a whole number ≥ 1, got 0/,
    ],
    [
      "a fraction of a pair",
      () => readCountKnob({ PAIRED_PAIRS: "2.5" }, "PAIRED_PAIRS", 8, 2),
      /PAIRED_PAIRS must be a whole number ≥ 2, got 2.5/,
    ],
    [
      "a switch that is not 1 or 0",
      () => readFlagKnob({ REAL_ONLY: "yes" }, "REAL_ONLY"),
      /REAL_ONLY must be 1 or 0, got yes/,
    ],
    [
      "both only switches",
      () => readOnlyKnobs({ REAL_ONLY: "1", PAIRED_ONLY: "1" }),
      /REAL_ONLY and PAIRED_ONLY exclude each other/,
    ],
    [
      "CONFIG that is not JSON",
      () => readConfigKnob({ CONFIG: "{confirmAlpha:0.01}" }),
      /CONFIG must be a JSON object of verdict config fields, got \{confirmAlpha:0\.01\}/,
    ],
    [
      "CONFIG that is an array",
      () => readConfigKnob({ CONFIG: "[1]" }),
      /CONFIG must be a JSON object/,
    ],
  ] as const)("rejects %s by name", (_name, read, message) => {
    expect(read).toThrow(message);
  });

  it("leaves a bad field in CONFIG to parseVerdictConfig, which names it", () => {
    const overrides = readConfigKnob({ CONFIG: '{"confirmAlpha":2}' });
    expect(() => parseVerdictConfig(overrides)).toThrow(/confirmAlpha/);
  });
});
