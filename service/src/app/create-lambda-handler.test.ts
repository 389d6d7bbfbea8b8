import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { pino } from "pino";
import { createLambdaHandler } from "./index.js";
import {
  INSTALLATION_ID,
  loadExample,
  setPath,
  startHarness,
  SECRETS,
  type Harness,
} from "../testing/index.js";
import { signPayload } from "../webhooks/index.js";

let h: Harness | undefined;
afterEach(async () => {
  const violations = h?.gh.violations ?? [];
  await h?.close();
  h = undefined;
  expect(violations).toEqual([]);
});

/** An API Gateway HTTP API (payload 2.0) / Function URL event, as Lambda delivers it. */
function functionUrlEvent(body: string, headers: Record<string, string>, base64: boolean) {
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: "/webhooks/github",
    rawQueryString: "",
    headers: {
      host: "abc123.lambda-url.eu-west-1.on.aws",
      "content-type": "application/json",
      ...headers,
    },
    requestContext: {
      accountId: "123456789012",
      apiId: "abc123",
      authentication: null,
      authorizer: {},
      domainName: "abc123.lambda-url.eu-west-1.on.aws",
      domainPrefix: "abc123",
      http: {
        method: "POST",
        path: "/webhooks/github",
        protocol: "HTTP/1.1",
        sourceIp: "140.82.115.1",
        userAgent: "GitHub-Hookshot/abc",
      },
      requestId: randomUUID(),
      routeKey: "$default",
      stage: "$default",
      time: "01/Jan/2025:00:00:00 +0000",
      timeEpoch: 1735689600000,
    },
    body: base64 ? Buffer.from(body).toString("base64") : body,
    isBase64Encoded: base64,
  };
}

function signedPullRequest(): { body: string; headers: Record<string, string> } {
  const payload = loadExample("pull_request", "opened");
  setPath(payload, "installation.id", INSTALLATION_ID);
  const body = JSON.stringify(payload);
  return {
    body,
    headers: {
      "x-github-event": "pull_request",
      "x-github-delivery": randomUUID(),
      "x-hub-signature-256": signPayload(body, SECRETS[0]),
    },
  };
}

describe("Lambda handler", () => {
  it.each([
    ["plain", false],
    ["base64", true],
  ])("accepts a signed delivery with a %s body", async (_name, base64) => {
    h = await startHarness();
    const handler = createLambdaHandler(h.app, pino({ level: "silent" }));
    const { body, headers } = signedPullRequest();
    const res = await handler(functionUrlEvent(body, headers, base64));
    expect(res.statusCode).toBe(202);
    expect((await h.queue.getJobCounts("waiting")).waiting).toBe(1);
  });

  it("rejects a tampered body with 401", async () => {
    h = await startHarness();
    const handler = createLambdaHandler(h.app, pino({ level: "silent" }));
    const { body, headers } = signedPullRequest();
    const res = await handler(
      functionUrlEvent(body.replace("Codertocat", "Codertocaz"), headers, true),
    );
    expect(res.statusCode).toBe(401);
    expect((await h.queue.getJobCounts("waiting")).waiting).toBe(0);
  });

  it("answers 413 with the reason beyond Lambda's 6 MB", async () => {
    h = await startHarness();
    const handler = createLambdaHandler(h.app, pino({ level: "silent" }));
    const big = JSON.stringify({ padding: "x".repeat(6 * 1024 * 1024) });
    const res = await handler(
      functionUrlEvent(big, { "x-github-event": "push", "x-github-delivery": randomUUID() }, true),
    );
    expect(res.statusCode).toBe(413);
    expect(res.body).toContain("Lambda");
  });
});
