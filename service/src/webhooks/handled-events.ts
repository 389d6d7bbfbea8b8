/** Every event and action the service acts on; the App manifest must subscribe to these. */
export const HANDLED_EVENTS = {
  pull_request: ["opened", "synchronize", "reopened", "ready_for_review"],
  issue_comment: ["created"],
  check_run: ["rerequested", "requested_action"],
  push: [],
  deployment_protection_rule: ["requested"],
} as const satisfies Record<string, readonly string[]>;

export type HandledEvent = keyof typeof HANDLED_EVENTS;

/** Whether the service acts on `event`/`action`; events without actions (push) accept any. */
export function isHandled(event: string, action: string | undefined): event is HandledEvent {
  if (!Object.hasOwn(HANDLED_EVENTS, event)) return false;
  const actions: readonly string[] = HANDLED_EVENTS[event as HandledEvent];
  return actions.length === 0 || (action !== undefined && actions.includes(action));
}
