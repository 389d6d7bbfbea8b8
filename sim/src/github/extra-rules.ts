import { isRecord } from "./double-state.js";
import type { MatchedOperation } from "./validate-request.js";

/** Comment bodies over this are rejected by GitHub with 422, though the description omits it. */
const MAX_COMMENT_BODY = 65_536;

/** Rules GitHub enforces that its OpenAPI schemas do not express. */
export function extraRules(matched: MatchedOperation, body: unknown): string[] {
  const id = matched.operation.operationId;
  // Documented on the endpoint but not expressed in the schema of checks/create.
  if (id === "checks/create" && isRecord(body)) {
    const completes = body.status === "completed" || body.completed_at !== undefined;
    if (completes && body.conclusion === undefined) {
      return ["body: conclusion is required when status is completed or completed_at is given"];
    }
  }
  if ((id === "issues/create-comment" || id === "issues/update-comment") && isRecord(body)) {
    const text = body.body;
    if (typeof text === "string" && text.length > MAX_COMMENT_BODY) {
      return [
        `body.body: comment bodies are limited to ${MAX_COMMENT_BODY} characters, got ${text.length}`,
      ];
    }
  }
  return [];
}
