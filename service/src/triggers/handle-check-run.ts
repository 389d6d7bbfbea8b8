import { CheckRunAction, type BenchmarkJob, type SuiteOptions } from "@mlxbench/proto";
import { hasWritePermission } from "../github/index.js";
import type { CheckRunEvent } from "./payloads.js";
import { defaultSuite, toJobRepository } from "./job-draft-parts.js";
import { startRun } from "./start-run.js";
import { ignored, type Outcome, type TriggerContext } from "./trigger-context.js";

/** check_run rerequested (GitHub's "Re-run") or requested_action (our buttons). */
export async function handleCheckRun(ctx: TriggerContext, event: CheckRunEvent): Promise<Outcome> {
  const run = event.check_run;
  if (run.app?.id !== ctx.config.GITHUB_APP_ID) return ignored("check run of another app");

  let suite: SuiteOptions = defaultSuite();
  let previous: BenchmarkJob | undefined;
  if (run.external_id) {
    const job = await ctx.queue.getJob(run.external_id);
    previous = job?.data as BenchmarkJob | undefined;
    if (previous?.suite) suite = previous.suite;
  }
  if (event.action === "requested_action") {
    const action = CheckRunAction.safeParse(event.requested_action?.identifier);
    if (!action.success)
      return ignored(`unknown requested action ${String(event.requested_action?.identifier)}`);
    // A button names its mode: it wins over the repository's profile.
    suite = { ...suite, quick: action.data === "rerun-quick", quickExplicit: true };
  }

  // Buttons only show to writers, but fork checks run fork code: check, never assume.
  const [owner = "", repo = ""] = event.repository.full_name.split("/");
  if (
    !(await hasWritePermission(ctx.github, ctx.installationId, owner, repo, event.sender.login))
  ) {
    return { result: "refused", reason: `${event.sender.login} lacks write permission` };
  }

  const pr = run.pull_requests[0];
  const prior = previous?.pullRequest;
  const pullRequest = pr
    ? { number: pr.number, baseSha: pr.base.sha, baseRef: pr.base.ref, fromFork: false }
    : prior;
  return startRun(
    ctx,
    {
      installationId: ctx.installationId,
      repository: toJobRepository(event.repository),
      commit: { sha: run.head_sha },
      trigger: "rerun",
      ...(pullRequest === undefined ? {} : { pullRequest }),
      suite,
      requestedBy: event.sender.login,
    },
    // A person asked for the re-run.
    { origin: "comment" },
  );
}
