import { describe, expect, it } from "vitest";
import { parseBenchmarkJob, parseMlxbenchConfig, type BenchmarkJob } from "@mlxbench/proto";
import { resolveSuiteOptions } from "@mlxbench/suite";
import { explicitQuickOf, flagsOf } from "./job-context.js";

function job(suite: Record<string, unknown>, trigger = "pull_request"): BenchmarkJob {
  return parseBenchmarkJob({
    schemaVersion: 1,
    jobId: "job-1",
    installationId: 1,
    repository: { fullName: "octo/hello", cloneUrl: "x", defaultBranch: "main", private: false },
    commit: { sha: "a".repeat(40), ref: "refs/pull/5/head" },
    trigger,
    pullRequest: { number: 5 },
    suite,
    requestedBy: "octocat",
    queuedAt: "2026-01-01T00:00:00.000Z",
  });
}

describe("explicitQuickOf", () => {
  it("lets the trigger win only when it chose quick or full on purpose", () => {
    expect(explicitQuickOf({ quick: true, quickExplicit: true })).toBe(true);
    expect(explicitQuickOf({ quick: false, quickExplicit: true })).toBe(false);
    expect(explicitQuickOf({ quick: true, quickExplicit: false })).toBeUndefined();
    expect(explicitQuickOf({ quick: false, quickExplicit: false })).toBeUndefined();
  });

  it("reads a job without quickExplicit as the service always did: only full is a choice", () => {
    expect(explicitQuickOf({ quick: true })).toBeUndefined();
    expect(explicitQuickOf({ quick: false })).toBe(false);
  });

  it("leaves the decision to the config's profile for the trigger when the job did not choose", () => {
    const config = parseMlxbenchConfig({
      suite: { pull_request: { quick: false }, default_branch: { quick: true } },
    });
    const automatic = flagsOf(job({ quick: true, quickExplicit: false }));
    expect(automatic).not.toHaveProperty("quick");
    expect(resolveSuiteOptions(automatic, config, "pull_request").quick).toBe(false);
    expect(resolveSuiteOptions(automatic, config, "default_branch").quick).toBe(true);
    // `/benchmark quick` on a PR whose profile is full: the comment wins.
    const chosen = flagsOf(job({ quick: true, quickExplicit: true }, "comment"));
    expect(resolveSuiteOptions(chosen, config, "pull_request").quick).toBe(true);
    // The service's default (quick: true) no longer hides the file's `quick: false`.
    expect(resolveSuiteOptions(flagsOf(job({})), config, "pull_request").quick).toBe(false);
  });

  it("rejects a quickExplicit that is not a boolean, naming the field", () => {
    expect(() => job({ quick: true, quickExplicit: "yes" })).toThrow(/suite\.quickExplicit/);
  });
});
