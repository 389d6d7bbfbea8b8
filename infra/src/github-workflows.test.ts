import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { REPO_ROOT } from "./bundle-service.js";

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  "working-directory"?: string;
}
interface Job {
  "runs-on": string;
  container?: string;
  services?: Record<string, { image: string }>;
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}

const read = (name: string) =>
  parse(readFileSync(join(REPO_ROOT, ".github/workflows", name), "utf8")) as Workflow;
const steps = (wf: Workflow) => Object.values(wf.jobs).flatMap((j) => j.steps);
const runs = (wf: Workflow) =>
  steps(wf)
    .map((s) => s.run ?? "")
    .join("\n");
const uses = (wf: Workflow, action: string) =>
  steps(wf).find((s) => s.uses?.split("@")[0] === action);

describe("ci.yml", () => {
  const ci = read("ci.yml");

  it("runs on pull requests and pushes to main, read-only", () => {
    expect(Object.keys(ci.on)).toEqual(expect.arrayContaining(["pull_request", "push"]));
    expect(ci.permissions).toEqual({ contents: "read" });
  });

  it("checks out, sets up Node 20 and installs from the lock file", () => {
    expect(uses(ci, "actions/checkout")).toBeDefined();
    expect(uses(ci, "actions/setup-node")?.with?.["node-version"]).toBe(20);
    expect(runs(ci)).toMatch(/^npm ci\b/m);
  });

  it("lints, typechecks, runs shellcheck and the tests", () => {
    const order = ["npm run lint", "shellcheck runner-macos", "npm run typecheck", "npm test"].map(
      (cmd) => runs(ci).indexOf(cmd),
    );
    expect(order.every((i) => i >= 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it("gives the tests a redis:7 service and chromium from apt", () => {
    const job = Object.values(ci.jobs)[0];
    expect(job?.services?.redis?.image).toBe("redis:7");
    expect(runs(ci)).toMatch(/apt-get install[^\n]*\bchromium\b/);
    expect(runs(ci)).toMatch(/apt-get install[^\n]*\bshellcheck\b/);
  });
});

describe("deploy.yml", () => {
  const deploy = read("deploy.yml");

  it("deploys on pushes to main or by hand", () => {
    expect(deploy.on.push).toEqual({ branches: ["main"] });
    expect(Object.keys(deploy.on)).toContain("workflow_dispatch");
  });

  it("takes AWS credentials by OIDC, with no stored keys", () => {
    expect(deploy.permissions?.["id-token"]).toBe("write");
    const creds = uses(deploy, "aws-actions/configure-aws-credentials");
    expect(creds?.with?.["role-to-assume"]).toMatch(/^\$\{\{ vars\./);
    expect(JSON.stringify(deploy)).not.toMatch(/aws-access-key-id|aws-secret-access-key/);
  });

  it("deploys the infra app with the CDK CLI after the credentials", () => {
    const all = steps(deploy);
    const credIndex = all.findIndex((s) =>
      s.uses?.startsWith("aws-actions/configure-aws-credentials"),
    );
    const deployIndex = all.findIndex((s) => /aws-cdk@[\d.]+ deploy/.test(s.run ?? ""));
    expect(credIndex).toBeGreaterThanOrEqual(0);
    expect(deployIndex).toBeGreaterThan(credIndex);
    expect(all[deployIndex]?.["working-directory"]).toBe("infra");
  });
});
