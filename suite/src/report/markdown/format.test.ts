import { describe, expect, it } from "vitest";
import { describeSource } from "./executive-summary.js";
import { bytesLabel } from "./format.js";

describe("bytesLabel", () => {
  it.each([
    [512, "512 B"],
    [1024, "1 KiB"],
    [452_989, "442.4 KiB"],
    [64 * 1024 * 1024, "64 MiB"],
    [1.5 * 1024 * 1024 + 7, "1.5 MiB"],
  ])("%d bytes → %s", (bytes, label) => {
    expect(bytesLabel(bytes)).toBe(label);
  });
});

describe("describeSource (the executive summary's commit line)", () => {
  it("names the commit, branch and PR when known", () => {
    expect(
      describeSource({ commit: "0123456789abcdef0123", branch: "main", repository: "o/r" }),
    ).toBe("Commit `0123456789ab` (o/r, branch main)");
    expect(describeSource({ commit: "fedcba9876543210", pullRequest: 7 })).toBe(
      "Commit `fedcba987654` (PR #7)",
    );
  });

  it("says when no commit was recorded rather than leaving it out", () => {
    expect(describeSource({})).toMatch(/^Commit: not recorded/);
  });
});
