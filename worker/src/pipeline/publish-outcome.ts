import { GateConfig } from "@mlxbench/proto";
import { withRetry, type RetryOptions } from "@mlxbench/archive";
import { isPermanentGitHubError } from "../github/index.js";
import { decideGate } from "./decide-gate.js";
import { messageOf, PermanentJobError, TransientJobError } from "./errors.js";
import type { JobRun } from "./job-run.js";
import type { Outcome } from "./outcome.js";
import { renderCheckCompletion, renderGateComment, renderPrComment } from "./render-check.js";

const DEFAULT_GATE: GateConfig = GateConfig.parse({});

const DEFAULT_PUBLISH_RETRY: RetryOptions = { attempts: 4, baseDelayMs: 1000 };

/**
 * Step 7: sends the outcome: the completed check run, the PR comment (never for a cancelled run:
 * it must not overwrite the comment of the run that superseded it), the deployment gate's answer.
 * GitHub refusing for good is fatal; anything else is worth another attempt (which republishes).
 */
export async function publishOutcome(run: JobRun, o: Outcome, summary: string): Promise<void> {
  const { job, publisher, log } = run;
  const retry: RetryOptions = {
    ...(run.deps.publishRetry ?? DEFAULT_PUBLISH_RETRY),
    retryIf: (err) => !isPermanentGitHubError(err),
    onRetry: (err, n) => log.warn({ err, attempt: n }, "publishing failed; retrying"),
  };
  try {
    const completion = renderCheckCompletion(o, summary, run.steps);
    await withRetry(() => publisher.completeCheck(completion), retry);
    const pr = job.pullRequest;
    if (pr && o.conclusion !== "cancelled") {
      const body = renderPrComment(summary, job);
      await withRetry(() => publisher.upsertPrComment(pr.number, body), retry);
    }
    if (job.deployment) {
      const gate = decideGate(
        o.conclusion,
        o.runResult,
        o.gate ?? o.config?.gate ?? DEFAULT_GATE,
        job.deployment.environment,
      );
      const comment = renderGateComment(gate.comment, o.reusedRunId);
      await withRetry(() => publisher.answerGate(gate.state, comment), retry);
    }
  } catch (err) {
    if (isPermanentGitHubError(err))
      throw new PermanentJobError(`GitHub refused the publication: ${messageOf(err)}`, {
        cause: err,
      });
    throw new TransientJobError(`publishing failed: ${messageOf(err)}`, { cause: err });
  }
}
