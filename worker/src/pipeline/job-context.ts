import type { BenchmarkJob, SuiteOptions } from "@mlxbench/proto";
import type { SuiteFlags } from "@mlxbench/suite";

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

/**
 * The job's `quick` when the trigger chose it (`/benchmark quick|full`, a re-run button);
 * undefined when it is only the service's default, so the `.mlxbench.yml` profile of the run's
 * trigger decides. A job without `quickExplicit` (a service that predates it) marks every run
 * quick by default, so there only `quick: false` can be a choice (`/benchmark full`, "re-run
 * full"); an explicit `/benchmark quick` against a full profile then runs full.
 */
export function explicitQuickOf(
  suite: Pick<SuiteOptions, "quick" | "quickExplicit">,
): boolean | undefined {
  if (suite.quickExplicit === true) return suite.quick;
  if (suite.quickExplicit === false) return undefined;
  return suite.quick ? undefined : false;
}

/** The job's suite options as CLI flags; unset ones (quick included) come from the config's profile. */
export function flagsOf(job: BenchmarkJob): SuiteFlags {
  const s = job.suite;
  const quick = explicitQuickOf(s);
  return {
    ...(quick !== undefined ? { quick } : {}),
    ...(s.skipValidation ? { skipValidation: true } : {}),
    ...(s.skipCommunication ? { skipCommunication: true } : {}),
    ...(s.iterations !== undefined
      ? { inferenceIterations: s.iterations, iterationsPerformance: s.iterations }
      : {}),
  };
}
