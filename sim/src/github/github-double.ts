import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { createDoubleState } from "./double-state.js";
import { basicError } from "./github-objects.js";
import { handleRequest } from "./handle-request.js";
import { allowKnownDeviations } from "./known-deviations.js";
import { loadOpenApiOperations } from "./load-openapi-operations.js";
import { loadOpenApiResponses, type OperationResponseSpec } from "./load-openapi-responses.js";
import type { PullRequestFixture } from "./pull-request-object.js";
import { sendJson } from "./send-json.js";
import type {
  DoubleCheckRun,
  DoubleComment,
  DoubleProtectionReview,
  DoubleReaction,
  DoubleRequest,
  DoubleViolation,
  RepositoryPermission,
} from "./types.js";
import { OperationMatcher } from "./validate-request.js";

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

  const state = createDoubleState(appId, keys.publicKey);
  const sockets = new Set<Socket>();

  let url = "";
  const server: Server = createServer((req, res) => {
    if (state.down) {
      req.socket.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      try {
        handleRequest(
          { state, matcher, responseSpecs, url },
          req,
          res,
          Buffer.concat(chunks).toString("utf8"),
        );
      } catch (err) {
        sendJson(res, 500, basicError(`double crashed: ${(err as Error).message}`, 500));
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
  url = `http://127.0.0.1:${port}`;

  return {
    url,
    appId,
    privateKey: keys.privateKey,
    checkRuns: state.checkRuns,
    comments: state.comments,
    reactions: state.reactions,
    protectionReviews: state.protectionReviews,
    requests: state.requests,
    violations: state.violations,
    addInstallation(id, repos) {
      const inst = state.installations.get(id) ?? { id, repos: new Set<string>() };
      for (const r of repos) inst.repos.add(r.toLowerCase());
      state.installations.set(id, inst);
    },
    setPermission(repo, username, permission) {
      state.permissions.set(`${repo}:${username}`.toLowerCase(), permission);
    },
    addPullRequest(repo, pr) {
      const updatedAt = pr.updatedAt ?? new Date().toISOString();
      state.pulls.set(`${repo}#${pr.number}`.toLowerCase(), { pr, updatedAt });
    },
    setContent(repo, path, content, ref = "") {
      state.contents.set(`${repo}:${path}@${ref}`.toLowerCase(), content);
    },
    failNext(count, status = 500) {
      state.failures = { count, status };
    },
    setDown(value) {
      state.down = value;
      if (value) for (const s of sockets) s.destroy();
    },
    requestsFor(operationId) {
      return state.requests.filter((r) => r.operationId === operationId);
    },
    close() {
      for (const s of sockets) s.destroy();
      return new Promise<void>((ok, fail) => server.close((err) => (err ? fail(err) : ok())));
    },
  };
}
