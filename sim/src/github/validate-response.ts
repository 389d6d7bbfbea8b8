import type { OperationResponseSpec } from "./load-openapi-responses.js";
import { validateJsonSchema } from "./validate-json-schema.js";

/**
 * Every way a response breaks its operation's description: a success status the operation does
 * not document, a body where none is documented or none where one is, and the body's schema.
 * Error statuses GitHub may send without documenting them (a 401, a 5xx) are not problems, but a
 * documented one must have its documented shape.
 */
export function validateResponse(
  spec: OperationResponseSpec,
  status: number,
  body: unknown,
): string[] {
  const key = String(status);
  const documented = key in spec.statuses ? key : "default" in spec.statuses ? "default" : null;
  if (documented === null) {
    return status < 400
      ? [`response: status ${status} is not documented for ${spec.operationId}`]
      : [];
  }
  const schema = spec.statuses[documented] ?? null;
  if (schema === null) {
    return body === undefined ? [] : [`response: status ${status} has no documented body`];
  }
  if (body === undefined) return [`response: status ${status} needs a JSON body`];
  return validateJsonSchema(body, schema, "response");
}
