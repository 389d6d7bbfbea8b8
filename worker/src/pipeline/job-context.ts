import type { BenchmarkJob } from "@mlxbench/proto";
import type { SuiteFlags } from "../suite/index.js";

/** The branch a run is filed under: the pushed branch, `pull/N` for a PR, else the ref. */
export function branchOf(job: BenchmarkJob): string {
  const ref = job.commit.ref;
  if (ref?.startsWith("refs/heads/")) return ref.slice("refs/heads/".length);
  if (job.pullRequest) return `pull/${job.pullRequest.number}`;
  return ref ?? "";
}

/** A run of the default branch itself (not a PR into it): it may become a baseline. */
export function isDefaultBranchRun(job: BenchmarkJob): boolean {
  return job.pullRequest === undefined && branchOf(job) === job.repository.defaultBranch;
}

/** The job's suite options as CLI flags; unset ones come from the config's profile. */
export function flagsOf(job: BenchmarkJob): SuiteFlags {
  const s = job.suite;
  return {
    quick: s.quick,
    ...(s.skipValidation ? { skipValidation: true } : {}),
    ...(s.skipCommunication ? { skipCommunication: true } : {}),
    ...(s.iterations !== undefined
      ? { inferenceIterations: s.iterations, iterationsPerformance: s.iterations }
      : {}),
  };
}
