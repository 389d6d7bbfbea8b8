import { describe, expect, it } from "vitest";
import { parseBenchmarkJob } from "./benchmark-job.js";
import { MIN_CONFIRMATION_PAIRS, parseMlxbenchConfig } from "./mlxbench-config.js";

describe("confirmation pairs", () => {
  it("accepts the floor of 4 pairs and more", () => {
    expect(MIN_CONFIRMATION_PAIRS).toBe(4);
    const c = parseMlxbenchConfig({ confirmation: { pairs: 4, max_pairs: 6 } }).confirmation;
    expect(c).toMatchObject({ pairs: 4, max_pairs: 6 });
  });

  it.each([
    [{ pairs: 2 }, /confirmation\.pairs: A\/B pairs must be at least 4/],
    [{ pairs: 3 }, /confirmation\.pairs: A\/B pairs must be at least 4/],
    [{ max_pairs: 2 }, /confirmation\.max_pairs: A\/B pairs must be at least 4/],
  ])("refuses %j in .mlxbench.yml, naming the key and the floor", (confirmation, message) => {
    expect(() => parseMlxbenchConfig({ confirmation }, ".mlxbench.yml")).toThrow(message);
  });

  it("refuses a job asking for fewer pairs than the floor", () => {
    const job = {
      schemaVersion: 1,
      jobId: "octo-repo-pr12-abc1234",
      installationId: 42,
      repository: {
        fullName: "octo/repo",
        cloneUrl: "https://github.com/octo/repo.git",
        defaultBranch: "main",
        private: false,
      },
      commit: { sha: "0123456789abcdef0123456789abcdef01234567", ref: "refs/pull/12/head" },
      trigger: "pull_request",
      pullRequest: {
        number: 12,
        baseSha: "89abcdef0123456789abcdef0123456789abcdef",
        baseRef: "main",
      },
      suite: { quick: true, confirm: { pairs: 2 } },
      requestedBy: "octocat",
      queuedAt: "2025-01-02T03:04:05.000Z",
    };
    expect(() => parseBenchmarkJob(job)).toThrow(/confirm\.pairs: A\/B pairs must be at least 4/);
    expect(
      parseBenchmarkJob({ ...job, suite: { quick: true, confirm: { pairs: 4 } } }).suite.confirm,
    ).toEqual({ pairs: 4 });
  });
});
