import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import {
  createHash,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  verify,
  type KeyObject,
} from "node:crypto";
import {
  basicError,
  checkRunObject,
  contentFileObject,
  installationObject,
  issueCommentObject,
  reactionObject,
  simpleUser,
  validationError,
} from "./github-objects.js";
import { allowKnownDeviations } from "./known-deviations.js";
import { loadOpenApiOperations } from "./load-openapi-operations.js";
import { loadOpenApiResponses, type OperationResponseSpec } from "./load-openapi-responses.js";
import { pullRequestObject, type PullRequestFixture } from "./pull-request-object.js";
import { OperationMatcher, type MatchedOperation, validateRequest } from "./validate-request.js";
import { validateResponse } from "./validate-response.js";
import type {
  DoubleCheckRun,
  DoubleComment,
  DoubleProtectionReview,
  DoubleReaction,
  DoubleRequest,
  DoubleViolation,
  RepositoryPermission,
} from "./types.js";

/** Comment bodies over this are rejected by GitHub with 422, though the description omits it. */
const MAX_COMMENT_BODY = 65_536;

export interface GitHubDoubleOptions {
  /** The app id the double expects in JWTs (`iss`). */
  appId?: number;
  /** PEM of the app's private key; a fresh key pair is generated when absent. */
  privateKey?: string;
}

export type { PullRequestFixture } from "./pull-request-object.js";

/** Every operation the double answers; each response is checked against its description. */
export const IMPLEMENTED_OPERATIONS = [
  "apps/create-installation-access-token",
  "apps/get-repo-installation",
  "checks/create",
  "checks/update",
  "checks/get",
  "repos/get-collaborator-permission-level",
  "reactions/create-for-issue-comment",
  "issues/create-comment",
  "issues/update-comment",
  "issues/get-comment",
  "issues/list-comments",
  "repos/get-content",
  "actions/review-custom-gates-for-run",
  "pulls/get",
  "pulls/list",
] as const;

/** A running GitHub API double; its state is plain data the tests read. */
export interface GitHubDouble {
  readonly url: string;
  readonly appId: number;
  readonly privateKey: string;
  readonly checkRuns: Map<number, DoubleCheckRun>;
  readonly comments: Map<number, DoubleComment>;
  readonly reactions: DoubleReaction[];
  readonly protectionReviews: DoubleProtectionReview[];
  readonly requests: DoubleRequest[];
  readonly violations: DoubleViolation[];
  /** Makes `repos` (owner/name) reachable through installation `id`. */
  addInstallation(id: number, repos: string[]): void;
  setPermission(repo: string, username: string, permission: RepositoryPermission): void;
  addPullRequest(repo: string, pr: PullRequestFixture): void;
  setContent(repo: string, path: string, content: string, ref?: string): void;
  /** The next `count` requests answer `status` (500 by default) without touching state. */
  failNext(count: number, status?: number): void;
  /** While down, every connection is dropped without an answer. */
  setDown(down: boolean): void;
  /** Requests whose operationId is `id`, in order. */
  requestsFor(operationId: string): DoubleRequest[];
  close(): Promise<void>;
}

interface Installation {
  id: number;
  repos: Set<string>;
}

interface TokenGrant {
  installationId: number;
  expiresAt: number;
}

let generatedKey: { privateKey: string; publicKey: KeyObject } | undefined;

function getKeyPair(privateKey: string | undefined): { privateKey: string; publicKey: KeyObject } {
  if (privateKey !== undefined) return { privateKey, publicKey: createPublicKey(privateKey) };
  // RSA generation costs ~100 ms; one key per process is plenty for tests.
  generatedKey ??= (() => {
    const pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
    return {
      privateKey: pair.privateKey.export({ type: "pkcs1", format: "pem" }).toString(),
      publicKey: pair.publicKey,
    };
  })();
  return generatedKey;
}

/** Starts the double on a random loopback port. */
export async function createGitHubDouble(options: GitHubDoubleOptions = {}): Promise<GitHubDouble> {
  const appId = options.appId ?? 4242;
  const keys = getKeyPair(options.privateKey);
  const matcher = new OperationMatcher(loadOpenApiOperations().values());
  const responseSpecs = new Map<string, OperationResponseSpec>(
    [...loadOpenApiResponses(IMPLEMENTED_OPERATIONS)].map(([id, spec]) => [
      id,
      allowKnownDeviations(spec),
    ]),
  );

  const installations = new Map<number, Installation>();
  const tokens = new Map<string, TokenGrant>();
  const permissions = new Map<string, RepositoryPermission>();
  const pulls = new Map<string, { pr: PullRequestFixture; updatedAt: string }>();
  const contents = new Map<string, string>();
  const checkRuns = new Map<number, DoubleCheckRun>();
  const comments = new Map<number, DoubleComment>();
  const reactions: DoubleReaction[] = [];
  const protectionReviews: DoubleProtectionReview[] = [];
  const requests: DoubleRequest[] = [];
  const violations: DoubleViolation[] = [];
  let nextId = 1000;
  let failures: { count: number; status: number } = { count: 0, status: 500 };
  let down = false;
  const sockets = new Set<Socket>();

  const server: Server = createServer((req, res) => {
    if (down) {
      req.socket.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      try {
        handle(req, res, Buffer.concat(chunks).toString("utf8"));
      } catch (err) {
        send(res, 500, basicError(`double crashed: ${(err as Error).message}`, 500));
      }
    });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  function handle(req: IncomingMessage, res: ServerResponse, rawBody: string): void {
    const method = (req.method ?? "GET").toUpperCase();
    const parsedUrl = new URL(req.url ?? "/", url);
    const path = parsedUrl.pathname;
    const record: DoubleRequest = {
      method,
      path,
      operationId: undefined,
      status: 0,
      body: undefined,
    };
    requests.push(record);
    let responseSpec: OperationResponseSpec | undefined = undefined; // known once the route matched
    const reply = (status: number, body?: unknown): void => {
      record.status = status;
      // What the double answers must be what GitHub would: checked like the requests are.
      const problems = responseSpec ? validateResponse(responseSpec, status, body) : [];
      if (problems.length > 0) {
        violations.push({
          side: "response",
          method,
          path,
          operationId: record.operationId,
          problems,
        });
      }
      send(res, status, body);
    };

    if (failures.count > 0) {
      failures = { ...failures, count: failures.count - 1 };
      reply(failures.status, basicError("injected failure", failures.status));
      return;
    }

    const matched = matcher.match(method, path);
    if (!matched) {
      violations.push({
        side: "request",
        method,
        path,
        operationId: undefined,
        problems: ["no such operation in GitHub's OpenAPI description"],
      });
      reply(404, basicError("Not Found", 404));
      return;
    }
    record.operationId = matched.operation.operationId;
    responseSpec = responseSpecs.get(record.operationId);

    let body: unknown;
    const hasBody = rawBody.length > 0;
    if (hasBody) {
      try {
        body = JSON.parse(rawBody);
      } catch {
        violations.push({
          side: "request",
          method,
          path,
          operationId: record.operationId,
          problems: ["body: not valid JSON"],
        });
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
      violations.push({ side: "request", method, path, operationId: record.operationId, problems });
      reply(422, validationError(problems));
      return;
    }

    const authProblem = authorize(req, matched);
    if (authProblem) {
      violations.push({
        side: "request",
        method,
        path,
        operationId: record.operationId,
        problems: [authProblem.reason],
      });
      reply(authProblem.status, basicError(authProblem.reason, authProblem.status));
      return;
    }

    route(matched, parsedUrl.searchParams, body, reply);
  }

  function extraRules(matched: MatchedOperation, body: unknown): string[] {
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

  function authorize(
    req: IncomingMessage,
    matched: MatchedOperation,
  ): { status: number; reason: string } | undefined {
    const header = req.headers.authorization ?? "";
    const [scheme, credential = ""] = header.split(" ");
    if (matched.operation.pathTemplate.startsWith("/app")) {
      if (scheme?.toLowerCase() !== "bearer")
        return { status: 401, reason: "app endpoints need a JWT (Bearer)" };
      const problem = verifyJwt(credential);
      return problem ? { status: 401, reason: `bad JWT: ${problem}` } : undefined;
    }
    const grant = tokens.get(credential);
    if (!grant || grant.expiresAt < Date.now()) {
      return { status: 401, reason: "repository endpoints need a valid installation token" };
    }
    const { owner, repo } = matched.pathParams;
    if (owner !== undefined && repo !== undefined) {
      const inst = installations.get(grant.installationId);
      if (!inst?.repos.has(`${owner}/${repo}`.toLowerCase())) {
        return {
          status: 404,
          reason: `installation ${grant.installationId} has no access to ${owner}/${repo}`,
        };
      }
    }
    return undefined;
  }

  function verifyJwt(jwt: string): string | undefined {
    const [h, p, s] = jwt.split(".");
    if (h === undefined || p === undefined || s === undefined) return "not three parts";
    const ok = verify(
      "RSA-SHA256",
      Buffer.from(`${h}.${p}`),
      keys.publicKey,
      Buffer.from(s, "base64url"),
    );
    if (!ok) return "signature does not verify with the app's key";
    const claims = JSON.parse(Buffer.from(p, "base64url").toString("utf8")) as {
      iss?: unknown;
      exp?: unknown;
    };
    if (String(claims.iss) !== String(appId))
      return `iss ${String(claims.iss)} is not app ${appId}`;
    if (typeof claims.exp !== "number" || claims.exp * 1000 < Date.now()) return "expired";
    return undefined;
  }

  function route(
    matched: MatchedOperation,
    query: URLSearchParams,
    body: unknown,
    reply: (status: number, body?: unknown) => void,
  ): void {
    const p = matched.pathParams;
    const repoName = `${p.owner ?? ""}/${p.repo ?? ""}`;
    const b = isRecord(body) ? body : {};
    const now = new Date().toISOString();
    switch (matched.operation.operationId) {
      case "apps/create-installation-access-token": {
        const id = Number(p.installation_id);
        if (!installations.has(id)) return reply(404, basicError("Not Found", 404));
        const token = `ghs_${randomBytes(18).toString("hex")}`;
        const expiresAt = Date.now() + 3_600_000;
        tokens.set(token, { installationId: id, expiresAt });
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
      }
      case "apps/get-repo-installation": {
        for (const inst of installations.values()) {
          if (inst.repos.has(repoName.toLowerCase()))
            return reply(200, installationObject(inst.id, appId, p.owner ?? ""));
        }
        return reply(404, basicError("Not Found", 404));
      }
      case "checks/create": {
        const completes = typeof b.conclusion === "string";
        const run: DoubleCheckRun = {
          id: nextId++,
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
          completed_at: completes
            ? typeof b.completed_at === "string"
              ? b.completed_at
              : now
            : null,
          updates: [],
        };
        checkRuns.set(run.id, run);
        return reply(201, checkRunObject(run, appId));
      }
      case "checks/update": {
        const run = checkRuns.get(Number(p.check_run_id));
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
        return reply(200, checkRunObject(run, appId));
      }
      case "checks/get": {
        const run = checkRuns.get(Number(p.check_run_id));
        return run && run.repo === repoName
          ? reply(200, checkRunObject(run, appId))
          : reply(404, basicError("Not Found", 404));
      }
      case "repos/get-collaborator-permission-level": {
        const username = p.username ?? "";
        const level = permissions.get(`${repoName}:${username}`.toLowerCase()) ?? "read";
        return reply(200, {
          permission: legacyPermission(level),
          role_name: level,
          user: { ...simpleUser(username), role_name: level },
        });
      }
      case "reactions/create-for-issue-comment": {
        const reaction = {
          id: nextId++,
          repo: repoName,
          comment_id: Number(p.comment_id),
          content: String(b.content),
        };
        reactions.push(reaction);
        return reply(201, reactionObject(reaction.id, reaction.content, now));
      }
      case "issues/create-comment": {
        const comment: DoubleComment = {
          id: nextId++,
          repo: repoName,
          issue_number: Number(p.issue_number),
          body: String(b.body),
          created_at: now,
          updated_at: now,
        };
        comments.set(comment.id, comment);
        return reply(201, issueCommentObject(comment));
      }
      case "issues/update-comment": {
        const comment = comments.get(Number(p.comment_id));
        if (!comment || comment.repo !== repoName) return reply(404, basicError("Not Found", 404));
        comment.body = String(b.body);
        comment.updated_at = now;
        return reply(200, issueCommentObject(comment));
      }
      case "issues/get-comment": {
        const comment = comments.get(Number(p.comment_id));
        return comment && comment.repo === repoName
          ? reply(200, issueCommentObject(comment))
          : reply(404, basicError("Not Found", 404));
      }
      case "issues/list-comments": {
        const n = Number(p.issue_number);
        const perPage = Number(query.get("per_page") ?? 30);
        const page = Number(query.get("page") ?? 1);
        const all = [...comments.values()].filter(
          (c) => c.repo === repoName && c.issue_number === n,
        );
        return reply(200, all.slice((page - 1) * perPage, page * perPage).map(issueCommentObject));
      }
      case "repos/get-content": {
        const path = p.path ?? "";
        const ref = query.get("ref") ?? "";
        const content =
          contents.get(`${repoName}:${path}@${ref}`.toLowerCase()) ??
          contents.get(`${repoName}:${path}@`.toLowerCase());
        if (content === undefined) return reply(404, basicError("Not Found", 404));
        const bytes = Buffer.from(content, "utf8");
        const sha = createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
        return reply(200, contentFileObject(repoName, path, bytes, sha));
      }
      case "actions/review-custom-gates-for-run": {
        protectionReviews.push({
          repo: repoName,
          run_id: Number(p.run_id),
          environment_name: String(b.environment_name),
          state: typeof b.state === "string" ? b.state : undefined,
          comment: typeof b.comment === "string" ? b.comment : undefined,
        });
        return reply(204);
      }
      case "pulls/get": {
        const entry = pulls.get(`${repoName}#${p.pull_number ?? ""}`.toLowerCase());
        return entry
          ? reply(200, pullRequestObject(repoName, entry.pr, entry.updatedAt))
          : reply(404, basicError("Not Found", 404));
      }
      case "pulls/list": {
        const state = query.get("state") ?? "open";
        const list = [...pulls.entries()]
          .filter(([key]) => key.startsWith(`${repoName.toLowerCase()}#`))
          .map(([, entry]) => entry)
          .filter(({ pr }) => state === "all" || (pr.state ?? "open") === state);
        return reply(
          200,
          list.map(({ pr, updatedAt }) => pullRequestObject(repoName, pr, updatedAt)),
        );
      }
      default:
        return reply(
          501,
          basicError(`the double does not implement ${matched.operation.operationId}`, 501),
        );
    }
  }

  return {
    url,
    appId,
    privateKey: keys.privateKey,
    checkRuns,
    comments,
    reactions,
    protectionReviews,
    requests,
    violations,
    addInstallation(id, repos) {
      const inst = installations.get(id) ?? { id, repos: new Set<string>() };
      for (const r of repos) inst.repos.add(r.toLowerCase());
      installations.set(id, inst);
    },
    setPermission(repo, username, permission) {
      permissions.set(`${repo}:${username}`.toLowerCase(), permission);
    },
    addPullRequest(repo, pr) {
      const updatedAt = pr.updatedAt ?? new Date().toISOString();
      pulls.set(`${repo}#${pr.number}`.toLowerCase(), { pr, updatedAt });
    },
    setContent(repo, path, content, ref = "") {
      contents.set(`${repo}:${path}@${ref}`.toLowerCase(), content);
    },
    failNext(count, status = 500) {
      failures = { count, status };
    },
    setDown(value) {
      down = value;
      if (value) for (const s of sockets) s.destroy();
    },
    requestsFor(operationId) {
      return requests.filter((r) => r.operationId === operationId);
    },
    close() {
      for (const s of sockets) s.destroy();
      return new Promise<void>((ok, fail) => server.close((err) => (err ? fail(err) : ok())));
    },
  };
}

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

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function send(res: ServerResponse, status: number, body?: unknown): void {
  if (body === undefined || status === 204) {
    res.writeHead(status);
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}
