import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MetricResult } from "@mlxbench/proto";
import { BaselineError, compareWithBaseline, loadBaselineRun } from "./load-baseline.js";
import { formatTimestamp } from "./output-paths.js";

const metric = (
  key: string,
  direction: MetricResult["direction"],
  samples: number[],
  gated = true,
): MetricResult => ({
  key,
  component: "comprehensive",
  label: key,
  unit: "ms",
  direction,
  samples,
  stats: null,
  gated,
});

describe("compareWithBaseline", () => {
  it("flags a change in the bad direction beyond the threshold only", () => {
    const deltas = compareWithBaseline(
      [
        metric("a", "lower_is_better", [150, 150]),
        metric("b", "higher_is_better", [97]),
        metric("c", "higher_is_better", [50]),
      ],
      [
        metric("a", "lower_is_better", [100, 100]),
        metric("b", "higher_is_better", [100]),
        metric("c", "higher_is_better", [100]),
      ],
      (key) => (key === "b" ? 5 : 10),
    );
    expect(deltas.map((d) => [d.key, Math.round(d.worsePct), d.regressed])).toEqual([
      ["a", 50, true],
      ["b", 3, false],
      ["c", 50, true],
    ]);
  });

  it("skips metrics missing on either side or without samples", () => {
    expect(
      compareWithBaseline(
        [metric("a", "lower_is_better", [])],
        [metric("a", "lower_is_better", [1])],
        () => 5,
      ),
    ).toEqual([]);
    expect(compareWithBaseline([metric("a", "lower_is_better", [1])], [], () => 5)).toEqual([]);
  });
});

describe("loadBaselineRun", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "mlxbench-baseline-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("names a directory without run results", async () => {
    await expect(loadBaselineRun(dir)).rejects.toThrow(/holds no run_result_<ts>\.json/);
  });

  it("names a run result that does not match the schema", async () => {
    await writeFile(
      join(dir, "run_result_20240101_120000.json"),
      JSON.stringify({ schemaVersion: 99 }),
    );
    await expect(loadBaselineRun(dir)).rejects.toThrow(BaselineError);
    await expect(loadBaselineRun(dir)).rejects.toThrow(
      /does not match the run result schema \(schemaVersion/,
    );
  });

  it("names a missing directory", async () => {
    await expect(loadBaselineRun(join(dir, "nope"))).rejects.toThrow(
      /cannot read baseline directory/,
    );
  });
});

describe("formatTimestamp", () => {
  it("uses the seed's YYYYMMDD_HHMMSS in UTC", () => {
    expect(formatTimestamp(new Date("2024-01-01T12:00:00Z"))).toBe("20240101_120000");
  });
});
