import { createSign } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGitHubDouble, type GitHubDouble } from "./index.js";
import { validateJsonSchema } from "./validate-json-schema.js";

function signJwt(privateKey: string, appId: number): string {
  const now = Math.floor(Date.now() / 1000);
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const data = `${part({ alg: "RS256", typ: "JWT" })}.${part({ iat: now - 30, exp: now + 600, iss: appId })}`;
  return `${data}.${createSign("RSA-SHA256").update(data).sign(privateKey, "base64url")}`;
}

describe("validateJsonSchema", () => {
  it.each([
    [{ type: "string", maxLength: 3 }, "abcd", "at most 3 characters"],
    [{ type: "integer" }, 1.5, "must be integer"],
    [{ type: "string", enum: ["a", "b"] }, "c", "must be one of"],
    [{ type: "object", required: ["x"] }, {}, 'missing required property "x"'],
    [{ type: "array", maxItems: 1 }, [1, 2], "at most 1 items"],
    [{ type: "string" }, null, "must not be null"],
    [{ anyOf: [{ type: "string" }, { type: "integer" }] }, true, "matches none"],
  ])("rejects %j for %j", (schema, value, reason) => {
    expect(validateJsonSchema(value, schema).join("\n")).toContain(reason);
  });

  it("accepts nullable null and conforming objects", () => {
    expect(validateJsonSchema(null, { type: "string", nullable: true })).toEqual([]);
    expect(
      validateJsonSchema({ a: "x" }, { type: "object", properties: { a: { type: "string" } } }),
    ).toEqual([]);
  });
});

describe("GitHub double", () => {
  let gh: GitHubDouble;
  let token: string;
  const repo = "octo/hello";

  beforeAll(async () => {
    gh = await createGitHubDouble({ appId: 77 });
    gh.addInstallation(9, [repo]);
    const res = await fetch(`${gh.url}/app/installations/9/access_tokens`, {
      method: "POST",
      headers: { authorization: `Bearer ${signJwt(gh.privateKey, 77)}` },
    });
    expect(res.status).toBe(201);
    token = ((await res.json()) as { token: string }).token;
  });
  afterAll(() => gh.close());

  const call = (method: string, path: string, body?: unknown) =>
    fetch(`${gh.url}${path}`, {
      method,
      headers: { authorization: `token ${token}`, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  it("creates and updates a check run that follows the description", async () => {
    const before = gh.violations.length;
    const created = await call("POST", `/repos/${repo}/check-runs`, {
      name: "mlxbench",
      head_sha: "a".repeat(40),
      status: "queued",
      external_id: "job-1",
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: number };
    const updated = await call("PATCH", `/repos/${repo}/check-runs/${id}`, {
      status: "completed",
      conclusion: "cancelled",
      output: { title: "Superseded", summary: "newer push" },
    });
    expect(updated.status).toBe(200);
    expect(gh.checkRuns.get(id)?.conclusion).toBe("cancelled");
    expect(gh.violations.length).toBe(before);
  });

  it.each([
    [
      "a summary over 65535 characters",
      { output: { title: "t", summary: "x".repeat(65_536) } },
      "65535",
    ],
    [
      "four actions",
      {
        actions: [1, 2, 3, 4].map((i) => ({
          label: `l${i}`,
          description: "d",
          identifier: `i${i}`,
        })),
      },
      "at most 3 items",
    ],
    ["a completed status without conclusion", { status: "completed" }, "conclusion"],
    ["an unknown conclusion", { conclusion: "great" }, "must be one of"],
  ])("answers 422 and records %s", async (_name, patch, reason) => {
    const before = gh.violations.length;
    const res = await call("POST", `/repos/${repo}/check-runs`, {
      name: "n",
      head_sha: "b".repeat(40),
      ...patch,
    });
    expect(res.status).toBe(422);
    expect(gh.violations.length).toBe(before + 1);
    expect(gh.violations.at(-1)?.problems.join("\n")).toContain(reason);
  });

  it("rejects a missing required body property and a comment over 65536 characters", async () => {
    expect((await call("POST", `/repos/${repo}/check-runs`, { name: "n" })).status).toBe(422);
    expect(gh.violations.at(-1)?.problems.join()).toContain('"head_sha"');
    expect(
      (await call("POST", `/repos/${repo}/issues/1/comments`, { body: "x".repeat(65_537) })).status,
    ).toBe(422);
  });

  it("rejects a non-integer path parameter and an unknown path", async () => {
    expect((await call("GET", `/repos/${repo}/check-runs/abc`)).status).toBe(422);
    expect((await call("GET", `/repos/${repo}/no-such-thing`)).status).toBe(404);
    expect(gh.violations.at(-1)?.problems.join()).toContain("no such operation");
  });

  it("refuses requests without a token, and repositories outside the installation", async () => {
    const anon = await fetch(`${gh.url}/repos/${repo}/pulls/1`);
    expect(anon.status).toBe(401);
    expect((await call("GET", `/repos/other/repo/pulls/1`)).status).toBe(404);
    const badJwt = await fetch(`${gh.url}/app/installations/9/access_tokens`, {
      method: "POST",
      headers: { authorization: "Bearer a.b.c" },
    });
    expect(badJwt.status).toBe(401);
  });

  it("answers permissions as set, and injected failures", async () => {
    gh.setPermission(repo, "Maint", "maintain");
    const res = await call("GET", `/repos/${repo}/collaborators/maint/permission`);
    expect(await res.json()).toMatchObject({ permission: "write", role_name: "maintain" });
    gh.failNext(1, 502);
    expect((await call("GET", `/repos/${repo}/pulls/1`)).status).toBe(502);
    gh.addPullRequest(repo, { number: 1, headSha: "c".repeat(40), headRepoFullName: "fork/hello" });
    const pr = (await (await call("GET", `/repos/${repo}/pulls/1`)).json()) as {
      head: { repo: { full_name: string } };
    };
    expect(pr.head.repo.full_name).toBe("fork/hello");
  });

  it("drops connections while down", async () => {
    gh.setDown(true);
    await expect(fetch(`${gh.url}/repos/${repo}/pulls/1`)).rejects.toThrow();
    gh.setDown(false);
    expect((await call("GET", `/repos/${repo}/pulls/1`)).status).toBe(200);
  });
});
