// Test support (not exported from index.ts): benchmark jobs for the queue tests.
import { join } from "node:path";
import type { BenchmarkJob } from "@mlxbench/proto";

/** A manual job for octo/hello whose clone URL (`dir`/no-such-repo) does not exist. */
export function unreachableJob(jobId: string, dir: string, sha: string): BenchmarkJob {
  return {
    schemaVersion: 1,
    jobId,
    installationId: 1,
    repository: {
      fullName: "octo/hello",
      cloneUrl: join(dir, "no-such-repo"),
      defaultBranch: "main",
      private: false,
    },
    commit: { sha },
    trigger: "manual",
    suite: { quick: true, skipValidation: false, skipCommunication: false },
    requestedBy: "octocat",
    queuedAt: new Date().toISOString(),
  };
}
