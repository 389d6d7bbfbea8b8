import type { DeploymentProtectionRuleEvent } from "./payloads.js";
import { defaultSuite, toJobRepository } from "./job-draft-parts.js";
import { startRun } from "./start-run.js";
import { ignored, type Outcome, type TriggerContext } from "./trigger-context.js";

const RUN_ID = /\/actions\/runs\/(\d+)\/deployment_protection_rule$/;

/** deployment_protection_rule requested: a gate run; the worker answers the review endpoint. */
export async function handleDeploymentProtectionRule(
  ctx: TriggerContext,
  event: DeploymentProtectionRuleEvent,
): Promise<Outcome> {
  const sha = event.deployment?.sha ?? event.sha;
  if (sha === undefined) return ignored("deployment without a commit SHA");
  const runId = RUN_ID.exec(new URL(event.deployment_callback_url).pathname)?.[1];
  const ref = event.deployment?.ref ?? event.ref;
  return startRun(
    ctx,
    {
      installationId: ctx.installationId,
      repository: toJobRepository(event.repository),
      commit: { sha, ...(ref === undefined ? {} : { ref }) },
      trigger: "deployment_gate",
      deployment: {
        environment: event.environment,
        callbackUrl: event.deployment_callback_url,
        ...(runId === undefined ? {} : { runId: Number(runId) }),
      },
      suite: defaultSuite(),
      requestedBy: event.sender.login,
    },
    {
      origin: "deployment",
      checkName: `${ctx.config.CHECK_NAME} gate: ${event.environment}`.slice(0, 100),
    },
  );
}
