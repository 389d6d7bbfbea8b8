import type { z } from "zod";
import type { HandledEvent } from "../webhooks/index.js";
import {
  handleCheckRun,
  handleDeploymentProtectionRule,
  handleIssueComment,
  handlePullRequest,
  handlePush,
  Payloads,
  type Outcome,
  type TriggerContext,
} from "../triggers/index.js";

interface Route<S extends z.ZodType> {
  schema: S;
  handle: (ctx: TriggerContext, event: z.infer<S>) => Promise<Outcome>;
}

// Each route's handler reads its own schema's output; the table erases that pairing.
const route = <S extends z.ZodType>(r: Route<S>): Route<z.ZodType> => r;

const ROUTES: Record<HandledEvent, Route<z.ZodType>> = {
  pull_request: route({ schema: Payloads.PullRequestEvent, handle: handlePullRequest }),
  issue_comment: route({ schema: Payloads.IssueCommentEvent, handle: handleIssueComment }),
  check_run: route({ schema: Payloads.CheckRunEvent, handle: handleCheckRun }),
  push: route({ schema: Payloads.PushEvent, handle: handlePush }),
  deployment_protection_rule: route({
    schema: Payloads.DeploymentProtectionRuleEvent,
    handle: handleDeploymentProtectionRule,
  }),
};

/** The payload checked against what its handler reads, or the problems found. */
export function parseEvent(
  event: HandledEvent,
  payload: unknown,
): { ok: true; value: unknown } | { ok: false; problems: string } {
  const parsed = ROUTES[event].schema.safeParse(payload);
  if (parsed.success) return { ok: true, value: parsed.data };
  return {
    ok: false,
    problems: parsed.error.issues
      .map((i) => `${i.path.join(".") || "(payload)"}: ${i.message}`)
      .join("; "),
  };
}

export function dispatchEvent(
  ctx: TriggerContext,
  event: HandledEvent,
  value: unknown,
): Promise<Outcome> {
  return ROUTES[event].handle(ctx, value);
}
