import type { IncomingMessage, ServerResponse } from "node:http";
import { answerOperation } from "./answer-operation.js";
import { authorizeRequest } from "./authorize-request.js";
import type { DoubleState } from "./double-state.js";
import { extraRules } from "./extra-rules.js";
import { basicError, validationError } from "./github-objects.js";
import type { OperationResponseSpec } from "./load-openapi-responses.js";
import { sendJson } from "./send-json.js";
import type { DoubleRequest, DoubleViolation } from "./types.js";
import { validateRequest, type OperationMatcher } from "./validate-request.js";
import { validateResponse } from "./validate-response.js";

export interface RequestHandlerOptions {
  state: DoubleState;
  matcher: OperationMatcher;
  responseSpecs: ReadonlyMap<string, OperationResponseSpec>;
  /** The double's own URL, to parse request paths against. */
  url: string;
}

/**
 * One request, as GitHub would take it: recorded; an injected failure if one is due; matched to
 * an operation of the OpenAPI description, its body parsed and validated, its credentials
 * checked, then answered. Every broken rule on either side is a violation.
 */
export function handleRequest(
  o: RequestHandlerOptions,
  req: IncomingMessage,
  res: ServerResponse,
  rawBody: string,
): void {
  const { state } = o;
  const method = (req.method ?? "GET").toUpperCase();
  const parsedUrl = new URL(req.url ?? "/", o.url);
  const path = parsedUrl.pathname;
  const record: DoubleRequest = {
    method,
    path,
    operationId: undefined,
    status: 0,
    body: undefined,
  };
  state.requests.push(record);
  const violation = (side: DoubleViolation["side"], problems: string[]): void => {
    state.violations.push({ side, method, path, operationId: record.operationId, problems });
  };
  let responseSpec: OperationResponseSpec | undefined = undefined; // known once the route matched
  const reply = (status: number, body?: unknown): void => {
    record.status = status;
    // What the double answers must be what GitHub would: checked like the requests are.
    const problems = responseSpec ? validateResponse(responseSpec, status, body) : [];
    if (problems.length > 0) violation("response", problems);
    sendJson(res, status, body);
  };

  if (state.failures.count > 0) {
    state.failures = { ...state.failures, count: state.failures.count - 1 };
    reply(state.failures.status, basicError("injected failure", state.failures.status));
    return;
  }

  const matched = o.matcher.match(method, path);
  if (!matched) {
    violation("request", ["no such operation in GitHub's OpenAPI description"]);
    reply(404, basicError("Not Found", 404));
    return;
  }
  record.operationId = matched.operation.operationId;
  responseSpec = o.responseSpecs.get(record.operationId);

  let body: unknown;
  const hasBody = rawBody.length > 0;
  if (hasBody) {
    try {
      body = JSON.parse(rawBody);
    } catch {
      violation("request", ["body: not valid JSON"]);
      reply(400, basicError("Problems parsing JSON", 400));
      return;
    }
  }
  record.body = body;

  const problems = [
    ...validateRequest(matched, parsedUrl.searchParams, body, hasBody),
    ...extraRules(matched, body),
  ];
  if (problems.length > 0) {
    violation("request", problems);
    reply(422, validationError(problems));
    return;
  }

  const authProblem = authorizeRequest(state, req, matched);
  if (authProblem) {
    violation("request", [authProblem.reason]);
    reply(authProblem.status, basicError(authProblem.reason, authProblem.status));
    return;
  }

  answerOperation(state, matched, parsedUrl.searchParams, body, reply);
}
