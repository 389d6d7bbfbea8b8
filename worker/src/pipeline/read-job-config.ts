import type { MlxbenchConfig } from "@mlxbench/proto";
import { CONFIG_FILE, readRepoConfig } from "../checkout/index.js";
import { expectFingerprint, findReusableRun, type ReusableRun } from "./find-reusable-run.js";
import { isDefaultBranchRun } from "./job-context.js";
import type { JobRun } from "./job-run.js";
import { invalidConfigOutcome, reusedOutcome, type Outcome } from "./outcome.js";

export type SuiteProfile = keyof MlxbenchConfig["suite"];

export type JobPlan =
  | { kind: "measure"; config: MlxbenchConfig; profile: SuiteProfile }
  /** Nothing to measure: the config is invalid, or a gate is answered by an earlier run. */
  | { kind: "done"; outcome: Outcome };

/** Step 2: the repository's `.mlxbench.yml` at this commit, and whether the suite has to run. */
export async function readJobConfig(run: JobRun, checkoutDir: string): Promise<JobPlan> {
  run.step(`reading ${CONFIG_FILE}`);
  const read = await readRepoConfig(checkoutDir);
  if (!read.ok) return { kind: "done", outcome: invalidConfigOutcome(read.problems) };
  const config = read.config;
  run.config = config;
  const profile: SuiteProfile = isDefaultBranchRun(run.job) ? "default_branch" : "pull_request";
  const reused = await findGateReuse(run, config, profile);
  if (reused) return { kind: "done", outcome: reusedOutcome(reused, config) };
  return { kind: "measure", config, profile };
}

/**
 * A deployment gate answered by a recent archived run of exactly this commit and these suite
 * options (issue 6), so a redeploy does not cost a cluster run; null: run the suite.
 */
async function findGateReuse(
  run: JobRun,
  config: MlxbenchConfig,
  profile: SuiteProfile,
): Promise<ReusableRun | null> {
  const { job } = run;
  const hours = config.gate.reuse_within_hours;
  if (job.trigger !== "deployment_gate" || !job.deployment || hours <= 0) return null;
  try {
    const found = await findReusableRun(run.deps.store, {
      repository: run.repo,
      commit: job.commit.sha,
      expected: expectFingerprint(job, config, profile),
      finishedSince: new Date(run.clock.now() - hours * 3_600_000),
      excludeRunId: job.jobId,
    });
    if (found)
      run.step(`reusing run ${found.runId} of this commit (finished ${found.meta.finishedAt})`);
    return found;
  } catch (err) {
    // The lookup is only a shortcut: whatever keeps it from answering, the suite runs.
    run.log.warn({ err }, "looking for a reusable run failed; running the suite");
    return null;
  }
}
