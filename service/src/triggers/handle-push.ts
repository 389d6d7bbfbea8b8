import type { PushEvent } from "./payloads.js";
import { defaultSuite, toJobRepository } from "./job-draft-parts.js";
import { startRun } from "./start-run.js";
import { ignored, type Outcome, type TriggerContext } from "./trigger-context.js";

const ZERO_SHA = /^0{40}$/;

/** push to the default branch: a baseline run that later PRs compare against. */
export async function handlePush(ctx: TriggerContext, event: PushEvent): Promise<Outcome> {
  const defaultRef = `refs/heads/${event.repository.default_branch}`;
  if (event.ref !== defaultRef) return ignored(`push to ${event.ref}, not ${defaultRef}`);
  if (event.deleted || ZERO_SHA.test(event.after)) return ignored("branch deleted");
  return startRun(
    ctx,
    {
      installationId: ctx.installationId,
      repository: toJobRepository(event.repository),
      commit: { sha: event.after, ref: event.ref },
      trigger: "push",
      suite: defaultSuite(),
      requestedBy: event.sender.login,
    },
    { origin: "push" },
  );
}
