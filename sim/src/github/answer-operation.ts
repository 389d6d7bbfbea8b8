import { APP_AND_CHECK_HANDLERS } from "./answer-app-and-check-operations.js";
import { REPO_HANDLERS } from "./answer-repo-operations.js";
import { isRecord, type DoubleState } from "./double-state.js";
import { basicError } from "./github-objects.js";
import type { OperationHandler } from "./operation-context.js";
import type { MatchedOperation } from "./validate-request.js";

const HANDLERS: Record<string, OperationHandler | undefined> = {
  ...APP_AND_CHECK_HANDLERS,
  ...REPO_HANDLERS,
};

/** Answers a valid, authorised request to one of the implemented operations; 501 for others. */
export function answerOperation(
  state: DoubleState,
  matched: MatchedOperation,
  query: URLSearchParams,
  body: unknown,
  reply: (status: number, body?: unknown) => void,
): void {
  const p = matched.pathParams;
  const handler = HANDLERS[matched.operation.operationId];
  if (!handler)
    return reply(
      501,
      basicError(`the double does not implement ${matched.operation.operationId}`, 501),
    );
  handler({
    state,
    p,
    repoName: `${p.owner ?? ""}/${p.repo ?? ""}`,
    b: isRecord(body) ? body : {},
    query,
    now: new Date().toISOString(),
    reply,
  });
}
