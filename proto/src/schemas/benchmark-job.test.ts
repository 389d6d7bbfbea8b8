import { describe, expect, it } from "vitest";
import { BenchmarkJob, parseBenchmarkJob } from "./benchmark-job.js";

function validJob(): Record<string, unknown> {
  return {
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
    suite: { quick: true },
    requestedBy: "octocat",
    queuedAt: "2025-01-02T03:04:05.000Z",
  };
}

describe("BenchmarkJob", () => {
  it("accepts a valid job and fills the defaults", () => {
    const job = parseBenchmarkJob(validJob());
    expect(job.jobId).toBe("octo-repo-pr12-abc1234");
    expect(job.pullRequest?.fromFork).toBe(false);
    expect(job.suite).toEqual({ quick: true, skipValidation: false, skipCommunication: false });
  });

  it.each([
    [
      "an all-digit jobId (BullMQ reserves numeric ids)",
      { jobId: "12345" },
      /jobId: must not be all digits/,
    ],
    [
      "a ':' in jobId (BullMQ's key separator)",
      { jobId: "octo:repo" },
      /jobId: only letters, digits/,
    ],
    ["an empty jobId", { jobId: "" }, /jobId/],
    [
      "an abbreviated commit SHA",
      { commit: { sha: "0123456" } },
      /commit\.sha: must be a 40-character lowercase hex commit SHA/,
    ],
    [
      "an uppercase commit SHA",
      { commit: { sha: "0123456789ABCDEF0123456789ABCDEF01234567" } },
      /commit\.sha: must be a 40-character/,
    ],
    [
      "a repository without owner",
      { repository: { ...validRepo(), fullName: "repo" } },
      /repository\.fullName: must be owner\/name/,
    ],
    ["an unknown trigger", { trigger: "cron" }, /trigger/],
    ["an unknown top-level key", { priority: 1 }, /priority/],
    ["an unknown suite option", { suite: { quick: true, turbo: true } }, /suite.*turbo/],
    ["a non-ISO queuedAt", { queuedAt: "yesterday" }, /queuedAt/],
  ])("rejects %s", (_name, change, message) => {
    const input = { ...validJob(), ...change };
    expect(BenchmarkJob.safeParse(input).success).toBe(false);
    expect(() => parseBenchmarkJob(input)).toThrow(message);
  });
});

function validRepo(): Record<string, unknown> {
  return validJob()["repository"] as Record<string, unknown>;
}
