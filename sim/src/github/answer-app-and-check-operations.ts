import { randomBytes } from "node:crypto";
import { isRecord } from "./double-state.js";
import { basicError, checkRunObject, installationObject } from "./github-objects.js";
import type { OperationHandler } from "./operation-context.js";
import type { DoubleCheckRun } from "./types.js";

/** The App's own endpoints and the check runs. */
export const APP_AND_CHECK_HANDLERS: Record<string, OperationHandler> = {
  "apps/create-installation-access-token": ({ state, p, reply }) => {
    const id = Number(p.installation_id);
    if (!state.installations.has(id)) return reply(404, basicError("Not Found", 404));
    const token = `ghs_${randomBytes(18).toString("hex")}`;
    const expiresAt = Date.now() + 3_600_000;
    state.tokens.set(token, { installationId: id, expiresAt });
    return reply(201, {
      token,
      expires_at: new Date(expiresAt).toISOString(),
      permissions: {
        checks: "write",
        contents: "read",
        issues: "write",
        pull_requests: "write",
      },
      repository_selection: "selected",
    });
  },
  "apps/get-repo-installation": ({ state, p, repoName, reply }) => {
    for (const inst of state.installations.values()) {
      if (inst.repos.has(repoName.toLowerCase()))
        return reply(200, installationObject(inst.id, state.appId, p.owner ?? ""));
    }
    return reply(404, basicError("Not Found", 404));
  },
  "checks/create": ({ state, repoName, b, now, reply }) => {
    const completes = typeof b.conclusion === "string";
    const run: DoubleCheckRun = {
      id: state.nextId++,
      repo: repoName,
      name: String(b.name),
      head_sha: String(b.head_sha),
      status:
        typeof b.conclusion === "string"
          ? "completed"
          : typeof b.status === "string"
            ? b.status
            : "queued",
      conclusion: typeof b.conclusion === "string" ? b.conclusion : null,
      external_id: typeof b.external_id === "string" ? b.external_id : null,
      details_url: typeof b.details_url === "string" ? b.details_url : null,
      output: isRecord(b.output) ? b.output : null,
      actions: Array.isArray(b.actions) ? b.actions : [],
      started_at: typeof b.started_at === "string" ? b.started_at : now,
      completed_at: completes ? (typeof b.completed_at === "string" ? b.completed_at : now) : null,
      updates: [],
    };
    state.checkRuns.set(run.id, run);
    return reply(201, checkRunObject(run, state.appId));
  },
  "checks/update": ({ state, p, repoName, b, now, reply }) => {
    const run = state.checkRuns.get(Number(p.check_run_id));
    if (!run || run.repo !== repoName) return reply(404, basicError("Not Found", 404));
    run.updates.push(b);
    if (typeof b.status === "string") run.status = b.status;
    if (typeof b.started_at === "string") run.started_at = b.started_at;
    if (typeof b.conclusion === "string") {
      run.conclusion = b.conclusion;
      run.status = "completed";
      run.completed_at = typeof b.completed_at === "string" ? b.completed_at : now;
    }
    if (isRecord(b.output)) run.output = b.output;
    if (typeof b.external_id === "string") run.external_id = b.external_id;
    if (typeof b.details_url === "string") run.details_url = b.details_url;
    if (Array.isArray(b.actions)) run.actions = b.actions;
    return reply(200, checkRunObject(run, state.appId));
  },
  "checks/get": ({ state, p, repoName, reply }) => {
    const run = state.checkRuns.get(Number(p.check_run_id));
    return run && run.repo === repoName
      ? reply(200, checkRunObject(run, state.appId))
      : reply(404, basicError("Not Found", 404));
  },
};
