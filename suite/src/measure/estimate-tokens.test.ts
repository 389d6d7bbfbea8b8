import { describe, expect, it } from "vitest";
import { apportion, countChunkTokens, estimateTokens } from "./estimate-tokens.js";

describe("estimateTokens", () => {
  it.each([
    ["", 0],
    [" the", 1],
    ["Hello, world!", 4],
    [" internationalization", 3],
    ["12345", 2],
    ["\n\n", 1],
    ["   ", 1],
    ["世界", 2],
  ])("%j is %i tokens", (text, tokens) => {
    expect(estimateTokens(text)).toBe(tokens);
  });
});

describe("apportion", () => {
  it("splits by largest remainder and sums to the total", () => {
    expect(apportion(10, [1, 1, 1])).toEqual([4, 3, 3]);
    expect(apportion(7, [3, 1])).toEqual([5, 2]);
  });
  it("gives each part the minimum first", () => {
    expect(apportion(5, [0, 0, 4], 1)).toEqual([1, 1, 3]);
  });
  it("spreads evenly when all weights are zero, earlier parts first", () => {
    expect(apportion(5, [0, 0], 1)).toEqual([3, 2]);
  });
  it("drops the minimum when the total cannot cover it", () => {
    expect(apportion(1, [1, 1], 1)).toEqual([1, 0]);
  });
});

describe("countChunkTokens", () => {
  it("uses the heuristic without usage", () => {
    expect(countChunkTokens(["Hello", ", world", "!"], undefined)).toEqual([1, 2, 1]);
  });
  it("makes the counts sum to usage, each chunk at least one", () => {
    const counts = countChunkTokens(["Hello", ", world", "!"], 6);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(6);
    expect(counts).toEqual([1, 4, 1]);
  });
  it("lets some chunks carry zero tokens when usage is below the chunk count", () => {
    const counts = countChunkTokens(["a", "b", "c"], 2);
    expect(counts).toEqual([1, 1, 0]);
  });
});
