import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { HANDLED_EVENTS } from "../../service/src/index.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const manifest = JSON.parse(readFileSync(join(ROOT, "github-app/manifest.json"), "utf8")) as Record<
  string,
  unknown
>;

type Level = "read" | "write";
type Permissions = Record<string, Level>;

/** The fields GitHub documents for the App manifest flow ("Registering a GitHub App from a manifest"). */
const MANIFEST_FIELDS = new Set([
  "name",
  "url",
  "hook_attributes",
  "redirect_url",
  "callback_urls",
  "setup_url",
  "description",
  "public",
  "default_events",
  "default_permissions",
  "request_oauth_on_install",
  "setup_on_update",
]);

/** What the issue asks for, exactly: no more, no less. */
const EXPECTED_PERMISSIONS: Permissions = {
  checks: "write",
  pull_requests: "write",
  issues: "write",
  contents: "read",
  deployments: "write",
  actions: "read",
  metadata: "read",
};

/** Repository permissions GitHub Apps can request, with the levels each accepts (GitHub's REST docs, "Permissions required for GitHub Apps"). */
const KNOWN_PERMISSIONS: Record<string, readonly string[]> = {
  actions: ["read", "write"],
  checks: ["read", "write"],
  contents: ["read", "write"],
  deployments: ["read", "write"],
  issues: ["read", "write"],
  metadata: ["read"],
  pull_requests: ["read", "write"],
  statuses: ["read", "write"],
};

/** The permission an event's subscription needs (GitHub's webhook events reference, "Availability"). */
const EVENT_PERMISSION: Record<string, [string, Level]> = {
  pull_request: ["pull_requests", "read"],
  issue_comment: ["issues", "read"],
  check_run: ["checks", "read"],
  push: ["contents", "read"],
  deployment_protection_rule: ["deployments", "read"],
};

/**
 * The permission each REST operation needs, by its OpenAPI operationId; any one of the listed
 * grants suffices (GitHub's REST reference, "Fine-grained access tokens / GitHub App" box per endpoint).
 * A call missing here fails the test: decide its permission, then add it.
 */
const OPERATION_PERMISSIONS: Record<string, readonly [string, Level][]> = {
  "checks/create": [["checks", "write"]],
  "checks/update": [["checks", "write"]],
  "checks/get": [["checks", "read"]],
  "checks/list-for-ref": [["checks", "read"]],
  "checks/list-annotations": [["checks", "read"]],
  "pulls/get": [["pull_requests", "read"]],
  "pulls/list": [["pull_requests", "read"]],
  "pulls/list-files": [["pull_requests", "read"]],
  "issues/create-comment": [
    ["issues", "write"],
    ["pull_requests", "write"],
  ],
  "issues/update-comment": [
    ["issues", "write"],
    ["pull_requests", "write"],
  ],
  "issues/delete-comment": [
    ["issues", "write"],
    ["pull_requests", "write"],
  ],
  "issues/list-comments": [
    ["issues", "read"],
    ["pull_requests", "read"],
  ],
  "issues/get-comment": [
    ["issues", "read"],
    ["pull_requests", "read"],
  ],
  "reactions/create-for-issue-comment": [
    ["issues", "write"],
    ["pull_requests", "write"],
  ],
  "repos/get": [["metadata", "read"]],
  "repos/get-collaborator-permission-level": [["metadata", "read"]],
  "repos/get-content": [["contents", "read"]],
  "repos/get-commit": [["contents", "read"]],
  "repos/compare-commits": [["contents", "read"]],
  "repos/get-branch": [["contents", "read"]],
  "repos/download-tarball-archive": [["contents", "read"]],
  "repos/list-deployments": [["deployments", "read"]],
  "repos/create-deployment-status": [["deployments", "write"]],
  "git/get-ref": [["contents", "read"]],
  "actions/review-custom-gates-for-run": [["deployments", "write"]],
  "actions/get-workflow-run": [["actions", "read"]],
  // Called with the App's JWT, not an installation token: no installation permission applies.
  "apps/get-repo-installation": [],
};

const require = createRequire(import.meta.url);
interface OpenApi {
  paths: Record<
    string,
    Record<string, { operationId?: string; "x-github"?: { enabledForGitHubApps?: boolean } }>
  >;
}
const openapi = require("@octokit/openapi/generated/api.github.com.json") as OpenApi;
const operations = new Map<string, { method: string; path: string; forApps: boolean }>();
for (const [path, item] of Object.entries(openapi.paths)) {
  for (const [method, op] of Object.entries(item)) {
    if (op.operationId)
      operations.set(op.operationId, {
        method: method.toUpperCase(),
        path,
        forApps: op["x-github"]?.enabledForGitHubApps === true,
      });
  }
}

const kebab = (s: string) => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

interface ApiCall {
  file: string;
  call: string;
  operationId: string | undefined;
}

/** Every Octokit call in the non-test sources of a folder: `.rest.<ns>.<method>` and `.request("METHOD /path")`. */
function scanOctokitCalls(dir: string): ApiCall[] {
  const calls: ApiCall[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) {
        if (name !== "node_modules" && name !== "testing") walk(p);
      } else if (/\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name)) {
        const text = readFileSync(p, "utf8");
        const file = relative(ROOT, p);
        for (const m of text.matchAll(/\.rest\s*\.\s*(\w+)\s*\.\s*(\w+)\b/g)) {
          calls.push({
            file,
            call: `rest.${m[1]}.${m[2]}`,
            operationId: `${m[1]}/${kebab(m[2] ?? "")}`,
          });
        }
        for (const m of text.matchAll(
          /\.(?:request|paginate)\(\s*["'`](GET|POST|PUT|PATCH|DELETE|HEAD) ([^"'`\s]+)["'`]/g,
        )) {
          const op = [...operations].find(([, o]) => o.method === m[1] && o.path === m[2]);
          calls.push({ file, call: `${m[1]} ${m[2]}`, operationId: op?.[0] });
        }
        for (const m of text.matchAll(/\.graphql\s*\(/g))
          calls.push({ file, call: `graphql at offset ${m.index}`, operationId: undefined });
      }
    }
  };
  walk(dir);
  return calls;
}

const permissions = manifest.default_permissions as Permissions;
const grants = (need: readonly [string, Level], granted: Permissions = permissions) => {
  const have = granted[need[0]];
  return have === "write" || (have === "read" && need[1] === "read");
};

/** One line per call that is unknown, unmapped, or not permitted by `granted`. */
function findPermissionProblems(calls: ApiCall[], granted: Permissions = permissions): string[] {
  return calls.flatMap(({ file, call, operationId }) => {
    if (operationId === undefined || !operations.has(operationId))
      return [`${file}: ${call} is not a known REST operation`];
    const needs = OPERATION_PERMISSIONS[operationId];
    if (needs === undefined)
      return [
        `${file}: ${call} (${operationId}) has no entry in OPERATION_PERMISSIONS: decide its permission`,
      ];
    if (needs.length > 0 && !needs.some((n) => grants(n, granted))) {
      return [`${file}: ${call} needs one of ${needs.map((n) => n.join(":")).join(", ")}`];
    }
    return [];
  });
}

describe("github-app/manifest.json", () => {
  it("holds only fields GitHub documents for the manifest flow, with the required ones", () => {
    expect(Object.keys(manifest).filter((k) => !MANIFEST_FIELDS.has(k))).toEqual([]);
    expect(manifest.name).toMatch(/^[\w .-]{1,34}$/);
    for (const key of ["url", "redirect_url"] as const)
      expect(new URL(manifest[key] as string).protocol).toMatch(/^https?:$/);
    const hook = manifest.hook_attributes as { url: string; active: boolean };
    expect(new URL(hook.url).protocol).toBe("https:");
    expect(hook.url.endsWith("/webhooks/github")).toBe(true);
    expect(hook.active).toBe(true);
    const callbacks = manifest.callback_urls as string[];
    expect(callbacks.length).toBeGreaterThanOrEqual(1);
    expect(callbacks.length).toBeLessThanOrEqual(10);
    // The archive pages' sign-in route (service/src/pages).
    for (const url of callbacks) expect(new URL(url).pathname).toBe("/auth/github/callback");
    expect(typeof manifest.public).toBe("boolean");
  });

  it("asks for exactly the permissions of the issue, at levels GitHub accepts", () => {
    expect(permissions).toEqual(EXPECTED_PERMISSIONS);
    for (const [name, level] of Object.entries(permissions))
      expect(KNOWN_PERMISSIONS[name]).toContain(level);
  });

  it("subscribes exactly the events the service handles, each allowed by a permission", () => {
    const events = manifest.default_events as string[];
    expect([...events].sort()).toEqual(Object.keys(HANDLED_EVENTS).sort());
    for (const event of events) {
      const need = EVENT_PERMISSION[event];
      expect(need, `no permission known for event ${event}`).toBeDefined();
      if (need) expect(grants(need), `${event} needs ${need[0]}:${need[1]}`).toBe(true);
    }
  });

  it("names real REST operations, available to Apps, in its permission table", () => {
    for (const [id, needs] of Object.entries(OPERATION_PERMISSIONS)) {
      expect(operations.has(id), `${id} is not an operation in @octokit/openapi`).toBe(true);
      if (needs.length > 0)
        expect(operations.get(id)?.forApps, `${id} is not enabled for GitHub Apps`).toBe(true);
    }
  });

  it("permits every GitHub API call of the service and the worker", () => {
    const calls = [
      ...scanOctokitCalls(join(ROOT, "service/src")),
      ...scanOctokitCalls(join(ROOT, "worker/src")),
    ];
    // The service certainly creates check runs; an empty scan would mean the scanner is broken.
    expect(calls.map((c) => c.call)).toContain("rest.checks.create");
    expect(findPermissionProblems(calls)).toEqual([]);
  });

  it("flags calls it cannot map and calls the manifest does not permit", () => {
    const dir = mkdtempSync(join(tmpdir(), "mlxbench-scan-"));
    try {
      writeFileSync(
        join(dir, "calls.ts"),
        [
          "await gh.rest.gists.create({});",
          'await gh.request("DELETE /repos/{owner}/{repo}");',
          'await gh.request("GET /no/such/route");',
          "await gh.rest.pulls.get({});",
          "await gh.graphql(`query { viewer { login } }`);",
        ].join("\n"),
      );
      writeFileSync(join(dir, "calls.test.ts"), "await gh.rest.gists.delete({});");
      const problems = findPermissionProblems(scanOctokitCalls(dir));
      expect(problems).toHaveLength(4);
      expect(problems[0]).toMatch(/rest\.gists\.create \(gists\/create\) has no entry/);
      expect(problems[1]).toMatch(
        /DELETE \/repos\/\{owner\}\/\{repo\} \(repos\/delete\) has no entry/,
      );
      expect(problems[2]).toMatch(/GET \/no\/such\/route is not a known REST operation/);
      expect(problems[3]).toMatch(/graphql/);
      expect(
        findPermissionProblems(
          [
            {
              file: "x.ts",
              call: "rest.issues.createComment",
              operationId: "issues/create-comment",
            },
          ],
          { issues: "read" },
        ),
      ).toEqual(["x.ts: rest.issues.createComment needs one of issues:write, pull_requests:write"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
