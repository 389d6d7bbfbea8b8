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
    [
      "/benchmark confirm",
      { kind: "run", quick: true, quickExplicit: false, skipCommunication: false, confirm: {} },
    ],
    [
      "/benchmark confirm 8 full",
      {
        kind: "run",
        quick: false,
        quickExplicit: true,
        skipCommunication: false,
        confirm: { pairs: 8 },
      },
    ],
    [
      "/benchmark confirm 4",
      {
        kind: "run",
        quick: true,
        quickExplicit: false,
        skipCommunication: false,
        confirm: { pairs: 4 },
      },
    ],
    [
      "/benchmark confirm --skip-communication",
      { kind: "run", quick: true, quickExplicit: false, skipCommunication: true, confirm: {} },
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
    [
      "/benchmark confirm 1",
      "`confirm` takes a number of A/B pairs from 4 (fewer cannot decide reliably) to 1000, got `1`",
    ],
    ["/benchmark confirm 3", "from 4 (fewer cannot decide reliably) to 1000, got `3`"],
    ["/benchmark confirm 1001", "from 4 (fewer cannot decide reliably) to 1000, got `1001`"],
    ["/benchmark confirm eight", "unknown option `eight`"],
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
