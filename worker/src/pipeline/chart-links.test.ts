import { describe, expect, it } from "vitest";
import { chartLinks } from "./collect-artifacts.js";

describe("chartLinks", () => {
  const runUrl = "https://pages.example/reports/o/r/runs/pr-abc";
  const artifacts = [
    { path: "comprehensive/latency_distribution_20261206_213757.png", body: "" },
    { path: "performance/performance_comparison_20261206_213757.png", body: "" },
    {
      path: "confirmation/pair-01-base/comprehensive/latency_distribution_20261206_213817.png",
      body: "",
    },
    {
      path: "confirmation/pair-01-head/performance/performance_comparison_20261206_213834.png",
      body: "",
    },
    { path: "logs/cluster-distributed.log", body: "" },
  ];

  it("links the run's own charts by name, not the A/B pairs' or other files", () => {
    expect(chartLinks(artifacts, runUrl)).toEqual([
      {
        label: "latency_distribution",
        url: `${runUrl}/files/comprehensive/latency_distribution_20261206_213757.png`,
      },
      {
        label: "performance_comparison",
        url: `${runUrl}/files/performance/performance_comparison_20261206_213757.png`,
      },
    ]);
  });

  it("links nothing without a pages URL", () => {
    expect(chartLinks(artifacts, undefined)).toEqual([]);
  });
});
