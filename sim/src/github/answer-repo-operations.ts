import { createHash } from "node:crypto";
import {
  basicError,
  contentFileObject,
  issueCommentObject,
  reactionObject,
  simpleUser,
} from "./github-objects.js";
import type { OperationHandler } from "./operation-context.js";
import { pullRequestObject } from "./pull-request-object.js";
import type { DoubleComment, RepositoryPermission } from "./types.js";

/** Permissions, comments and reactions, contents, deployment gates and pull requests. */
export const REPO_HANDLERS: Record<string, OperationHandler> = {
  "repos/get-collaborator-permission-level": ({ state, p, repoName, reply }) => {
    const username = p.username ?? "";
    const level = state.permissions.get(`${repoName}:${username}`.toLowerCase()) ?? "read";
    return reply(200, {
      permission: legacyPermission(level),
      role_name: level,
      user: { ...simpleUser(username), role_name: level },
    });
  },
  "reactions/create-for-issue-comment": ({ state, p, repoName, b, now, reply }) => {
    const reaction = {
      id: state.nextId++,
      repo: repoName,
      comment_id: Number(p.comment_id),
      content: String(b.content),
    };
    state.reactions.push(reaction);
    return reply(201, reactionObject(reaction.id, reaction.content, now));
  },
  "issues/create-comment": ({ state, p, repoName, b, now, reply }) => {
    const comment: DoubleComment = {
      id: state.nextId++,
      repo: repoName,
      issue_number: Number(p.issue_number),
      body: String(b.body),
      created_at: now,
      updated_at: now,
    };
    state.comments.set(comment.id, comment);
    return reply(201, issueCommentObject(comment));
  },
  "issues/update-comment": ({ state, p, repoName, b, now, reply }) => {
    const comment = state.comments.get(Number(p.comment_id));
    if (!comment || comment.repo !== repoName) return reply(404, basicError("Not Found", 404));
    comment.body = String(b.body);
    comment.updated_at = now;
    return reply(200, issueCommentObject(comment));
  },
  "issues/get-comment": ({ state, p, repoName, reply }) => {
    const comment = state.comments.get(Number(p.comment_id));
    return comment && comment.repo === repoName
      ? reply(200, issueCommentObject(comment))
      : reply(404, basicError("Not Found", 404));
  },
  "issues/list-comments": ({ state, p, repoName, query, reply }) => {
    const n = Number(p.issue_number);
    const perPage = Number(query.get("per_page") ?? 30);
    const page = Number(query.get("page") ?? 1);
    const all = [...state.comments.values()].filter(
      (c) => c.repo === repoName && c.issue_number === n,
    );
    return reply(200, all.slice((page - 1) * perPage, page * perPage).map(issueCommentObject));
  },
  "repos/get-content": ({ state, p, repoName, query, reply }) => {
    const path = p.path ?? "";
    const ref = query.get("ref") ?? "";
    const content =
      state.contents.get(`${repoName}:${path}@${ref}`.toLowerCase()) ??
      state.contents.get(`${repoName}:${path}@`.toLowerCase());
    if (content === undefined) return reply(404, basicError("Not Found", 404));
    const bytes = Buffer.from(content, "utf8");
    const sha = createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
    return reply(200, contentFileObject(repoName, path, bytes, sha));
  },
  "actions/review-custom-gates-for-run": ({ state, p, repoName, b, reply }) => {
    state.protectionReviews.push({
      repo: repoName,
      run_id: Number(p.run_id),
      environment_name: String(b.environment_name),
      state: typeof b.state === "string" ? b.state : undefined,
      comment: typeof b.comment === "string" ? b.comment : undefined,
    });
    return reply(204);
  },
  "pulls/get": ({ state, p, repoName, reply }) => {
    const entry = state.pulls.get(`${repoName}#${p.pull_number ?? ""}`.toLowerCase());
    return entry
      ? reply(200, pullRequestObject(repoName, entry.pr, entry.updatedAt))
      : reply(404, basicError("Not Found", 404));
  },
  "pulls/list": ({ state, repoName, query, reply }) => {
    const wanted = query.get("state") ?? "open";
    const list = [...state.pulls.entries()]
      .filter(([key]) => key.startsWith(`${repoName.toLowerCase()}#`))
      .map(([, entry]) => entry)
      .filter(({ pr }) => wanted === "all" || (pr.state ?? "open") === wanted);
    return reply(
      200,
      list.map(({ pr, updatedAt }) => pullRequestObject(repoName, pr, updatedAt)),
    );
  },
};

function legacyPermission(level: RepositoryPermission): string {
  switch (level) {
    case "admin":
      return "admin";
    case "maintain":
    case "write":
      return "write";
    case "triage":
    case "read":
      return "read";
    case "none":
      return "none";
  }
}
