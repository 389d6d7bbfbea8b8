import { describe, expect, it } from "vitest";
import { parseBenchmarkCommand } from "./index.js";

describe("parseBenchmarkCommand", () => {
  it.each([
    ["/benchmark", { kind: "run", quick: true, quickExplicit: false, skipCommunication: false }],
    [
      "/benchmark full",
      { kind: "run", quick: false, quickExplicit: true, skipCommunication: false },
    ],
    [
      "  /benchmark quick --iterations=5\nthanks!",
      { kind: "run", quick: true, quickExplicit: true, iterations: 5, skipCommunication: false },
    ],
    [
      "/benchmark --compare main --skip-communication",
      {
        kind: "run",
        quick: true,
        quickExplicit: false,
        compareRef: "main",
        skipCommunication: true,
      },
    ],
    ["/benchmark help", { kind: "help" }],
  ])("parses %j", (body, expected) => {
    expect(parseBenchmarkCommand(body)).toEqual(expected);
  });

  it.each([
    ["/benchmark --fast", "unknown option `--fast`"],
    ["/benchmark --iterations 0", "`--iterations` needs a whole number"],
    ["/benchmark --iterations 10001", "`--iterations` needs a whole number"],
    ["/benchmark --compare a..b", "`--compare` needs a git ref"],
    ["/benchmark full quick", "cannot be combined"],
  ])("names the problem in %j", (body, problem) => {
    const parsed = parseBenchmarkCommand(body);
    expect(parsed?.kind).toBe("invalid");
    expect(parsed?.kind === "invalid" ? parsed.problem : "").toContain(problem);
  });

  it("ignores comments that are not commands", () => {
    expect(parseBenchmarkCommand("please /benchmark")).toBeUndefined();
    expect(parseBenchmarkCommand("/benchmarks")).toBeUndefined();
  });
});
