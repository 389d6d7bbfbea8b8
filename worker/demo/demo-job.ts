// One step of the demo: a commit in the fixture repository, the job the service would queue for
// it, and runJob — the real pipeline: checkout, cluster start, suite, verdict, archive, publish.
import type { DoubleCheckRun, DoubleComment, GitHubDouble } from "@mlxbench/sim/github";
import type { FixtureRepo } from "../src/checkout/test-support.js";
import { runJob, type PipelineDeps, type RunJobOutcome } from "../src/pipeline/index.js";
import { makeJob } from "../src/pipeline/recorded-runs.test-support.js";
import { demoClusterYaml } from "./demo-cluster-yaml.js";

export interface DemoStep {
  name: string;
  /** How much slower the reference cluster of this commit is (1: the same code). */
  slowdown: number;
  /** A pull request's number; unset: a push to main. */
  pullRequest?: number;
}

export interface DemoContext {
  repo: string;
  origin: FixtureRepo;
  deps: PipelineDeps;
  gh: GitHubDouble;
  /** The newest commit on main: every PR's merge base. */
  mainSha: string;
}

export interface DemoResult {
  step: DemoStep;
  jobId: string;
  outcome: RunJobOutcome;
  check: DoubleCheckRun | undefined;
  comment: DoubleComment | undefined;
}

export async function runDemoStep(ctx: DemoContext, step: DemoStep): Promise<DemoResult> {
  if (step.pullRequest !== undefined && ctx.mainSha === "")
    throw new Error(`${step.name}: a pull request needs a push to main before it (its base)`);
  const sha = await ctx.origin.commit(
    { ".mlxbench.yml": await demoClusterYaml({ slowdown: step.slowdown }) },
    step.name,
  );
  const job = makeJob({
    repo: ctx.repo,
    cloneUrl: ctx.origin.dir,
    sha,
    trigger: step.pullRequest === undefined ? "push" : "pull_request",
    ...(step.pullRequest === undefined
      ? {}
      : { pullRequest: { number: step.pullRequest, baseSha: ctx.mainSha } }),
  });
  const outcome = await runJob(job, ctx.deps);
  if (step.pullRequest === undefined) ctx.mainSha = sha;
  const check = [...ctx.gh.checkRuns.values()].find((c) => c.external_id === job.jobId);
  const comment = [...ctx.gh.comments.values()]
    .filter((c) => c.repo.toLowerCase() === ctx.repo && c.issue_number === step.pullRequest)
    .at(-1);
  return { step, jobId: job.jobId, outcome, check, comment };
}
