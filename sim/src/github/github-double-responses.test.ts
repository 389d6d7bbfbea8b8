import { createSign } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { anyString } from "../http/test-support.js";
import {
  allowKnownDeviations,
  createGitHubDouble,
  IMPLEMENTED_OPERATIONS,
  loadOpenApiResponses,
  validateResponse,
  type GitHubDouble,
} from "./index.js";

function signJwt(privateKey: string, appId: number): string {
  const now = Math.floor(Date.now() / 1000);
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const data = `${part({ alg: "RS256", typ: "JWT" })}.${part({ iat: now - 30, exp: now + 600, iss: appId })}`;
  return `${data}.${createSign("RSA-SHA256").update(data).sign(privateKey, "base64url")}`;
}

const specs = new Map(
  [...loadOpenApiResponses(IMPLEMENTED_OPERATIONS)].map(([id, s]) => [id, allowKnownDeviations(s)]),
);

describe("the double's responses", () => {
  let gh: GitHubDouble;
  let token: string;
  const repo = "octo/hello";
  /** operationId → [status, body] of the last answer seen. */
  const answers = new Map<string, [number, unknown]>();

  const call = async (method: string, path: string, body?: unknown, auth = `token ${token}`) => {
    const res = await fetch(`${gh.url}${path}`, {
      method,
      headers: { authorization: auth, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    const json: unknown = text === "" ? undefined : JSON.parse(text);
    const id = gh.requests.at(-1)?.operationId;
    if (id !== undefined) answers.set(id, [res.status, json]);
    return { status: res.status, json: json as Record<string, unknown> };
  };

  beforeAll(async () => {
    gh = await createGitHubDouble({ appId: 78 });
    gh.addInstallation(9, [repo]);
    const res = await call(
      "POST",
      "/app/installations/9/access_tokens",
      undefined,
      `Bearer ${signJwt(gh.privateKey, 78)}`,
    );
    token = String(res.json.token);
    gh.addPullRequest(repo, { number: 1, headSha: "c".repeat(40), headRepoFullName: null });
    gh.setContent(repo, ".mlxbench.yml", "version: 1\n");

    await call("GET", `/repos/${repo}/installation`);
    const created = await call("POST", `/repos/${repo}/check-runs`, {
      name: "mlxbench",
      head_sha: "a".repeat(40),
      status: "queued",
    });
    const id = Number(created.json.id);
    await call("PATCH", `/repos/${repo}/check-runs/${id}`, {
      conclusion: "success",
      output: { title: "t", summary: "s" },
    });
    await call("GET", `/repos/${repo}/check-runs/${id}`);
    await call("GET", `/repos/${repo}/collaborators/someone/permission`);
    const comment = await call("POST", `/repos/${repo}/issues/1/comments`, { body: "hello" });
    const commentId = Number(comment.json.id);
    await call("PATCH", `/repos/${repo}/issues/comments/${commentId}`, { body: "edited" });
    await call("GET", `/repos/${repo}/issues/comments/${commentId}`);
    await call("GET", `/repos/${repo}/issues/1/comments`);
    await call("POST", `/repos/${repo}/issues/comments/${commentId}/reactions`, {
      content: "eyes",
    });
    await call("GET", `/repos/${repo}/contents/.mlxbench.yml`);
    await call("POST", `/repos/${repo}/actions/runs/5/deployment_protection_rule`, {
      environment_name: "production",
      state: "approved",
      comment: "ok",
    });
    await call("GET", `/repos/${repo}/pulls/1`);
    await call("GET", `/repos/${repo}/pulls?state=all`);
  });
  afterAll(() => gh.close());

  it("answer every implemented operation, each as GitHub's description says", () => {
    expect([...answers.keys()].sort()).toEqual([...IMPLEMENTED_OPERATIONS].sort());
    expect(gh.violations).toEqual([]);
  });

  it("send the fields GitHub sends: updated_at on comments and pull requests, a full check run", () => {
    const [, comment] = answers.get("issues/get-comment") ?? [];
    expect(comment).toMatchObject({ updated_at: anyString, body: "edited" });
    const [, pull] = answers.get("pulls/get") ?? [];
    expect(pull).toMatchObject({ updated_at: anyString, head: { repo: null } });
    const [, run] = answers.get("checks/get") ?? [];
    expect(run).toMatchObject({ status: "completed", completed_at: anyString });
  });

  it.each(IMPLEMENTED_OPERATIONS.filter((id) => id !== "actions/review-custom-gates-for-run"))(
    "%s: a response missing a required field is caught",
    (id) => {
      const [status, body] = answers.get(id) ?? [0, undefined];
      const spec = specs.get(id);
      if (!spec) throw new Error(`no response spec for ${id}`);
      expect(validateResponse(spec, status, body)).toEqual([]);
      const broken = structuredClone(body) as Record<string, unknown> | Record<string, unknown>[];
      const target = Array.isArray(broken) ? broken[0] : broken;
      if (!target) throw new Error(`${id} answered an empty list`);
      const [field] = Object.keys(target).filter((k) => isRequired(spec.statuses, status, k));
      if (field === undefined) throw new Error(`${id}: no required field to drop`);
      delete target[field];
      expect(validateResponse(spec, status, broken).join("\n")).toContain(
        `missing required property "${field}"`,
      );
    },
  );

  it("a status the operation does not document, and a body where none is, are caught", () => {
    const spec = specs.get("actions/review-custom-gates-for-run");
    if (!spec) throw new Error("no spec");
    expect(validateResponse(spec, 204, undefined)).toEqual([]);
    expect(validateResponse(spec, 204, { ok: true })).toEqual([
      "response: status 204 has no documented body",
    ]);
    expect(validateResponse(spec, 200, undefined)).toEqual([
      "response: status 200 is not documented for actions/review-custom-gates-for-run",
    ]);
  });

  it("records a response that breaks the description as a violation", async () => {
    const before = gh.violations.length;
    // A fixture whose head sha is not a string makes the double itself answer out of shape.
    gh.addPullRequest(repo, { number: 2, headSha: 42 as unknown as string });
    expect((await call("GET", `/repos/${repo}/pulls/2`)).status).toBe(200);
    const added = gh.violations.slice(before);
    expect(added).toHaveLength(1);
    expect(added[0]).toMatchObject({ side: "response", operationId: "pulls/get" });
    expect(added[0]?.problems.join("\n")).toContain("response.head.sha: must be string");
    gh.violations.splice(before);
  });
});

interface SchemaLike {
  required?: string[];
  items?: SchemaLike;
  oneOf?: SchemaLike[];
}

function isRequired(
  statuses: Record<string, SchemaLike | null>,
  status: number,
  key: string,
): boolean {
  const schema = statuses[String(status)];
  // contents/{path} answers one of several shapes: a field required by the file shape counts.
  const shapes = schema?.oneOf ?? (schema ? [schema] : []);
  return shapes.some((s) => (s.items?.required ?? s.required ?? []).includes(key));
}
