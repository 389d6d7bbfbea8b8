import { describe, expect, it } from "vitest";
import { parseMlxbenchConfig } from "./mlxbench-config.js";
import { parseRunnerLabels, RunsOn } from "./runs-on.js";
import { jobPriority, poolCheckName, poolQueueName } from "../fleet/index.js";

describe("runs-on", () => {
  it.each([
    ["m2-ultra-3x", ["m2-ultra-3x"]],
    [
      ["m2-ultra-3x", "m4_max.2x"],
      ["m2-ultra-3x", "m4_max.2x"],
    ],
  ])("accepts %j", (input, labels) => {
    expect(RunsOn.parse(input)).toEqual(labels);
  });

  it("defaults to the default pool", () => {
    expect(parseMlxbenchConfig({})["runs-on"]).toEqual(["default"]);
  });

  it.each([
    [{ "runs-on": "m2 ultra" }, /runs-on: a runner label .*no spaces or shell characters/],
    [{ "runs-on": ["ok", "$(rm -rf /)"] }, /runs-on\[1\]: a runner label/],
    [{ "runs-on": { pool: "x" } }, /runs-on: runs-on must be a label or a list of labels/],
    [{ "runs-on": 3 }, /runs-on: runs-on must be a label or a list/],
    [{ "runs-on": [] }, /runs-on needs at least one label/],
    [{ "runs-on": ["a", "b", "a"] }, /runs-on\[2\]: label "a" is listed twice/],
  ])("rejects %j with an error naming the key", (input, message) => {
    expect(() => parseMlxbenchConfig(input, ".mlxbench.yml")).toThrow(message);
  });

  it("parses a runner's labels from its environment, naming the variable on error", () => {
    expect(parseRunnerLabels("m2-ultra-3x, nightly")).toEqual(["m2-ultra-3x", "nightly"]);
    expect(() => parseRunnerLabels("a;b")).toThrow(/RUNNER_LABELS: a runner label/);
    expect(() => parseRunnerLabels(" , ")).toThrow(/RUNNER_LABELS/);
  });
});

describe("pool naming and priority", () => {
  it("names a queue and a check run per pool and refuses unsafe labels", () => {
    expect(poolQueueName("mlxbench", "m4-max")).toBe("mlxbench.m4-max");
    expect(poolCheckName("mlxbench", "m4-max")).toBe("mlxbench / m4-max");
    expect(() => poolQueueName("mlxbench", "a b")).toThrow(/invalid runner label "a b"/);
  });

  it("puts people and deployments before automatic runs, and a busy repo behind a quiet one", () => {
    expect(jobPriority("deployment")).toBe(1);
    expect(jobPriority("comment")).toBe(1);
    expect(jobPriority("push", 0)).toBe(1000);
    expect(jobPriority("push", 7)).toBeGreaterThan(jobPriority("push", 2));
  });
});
