import type { KeyObject } from "node:crypto";
import type { PullRequestFixture } from "./pull-request-object.js";
import type {
  DoubleCheckRun,
  DoubleComment,
  DoubleProtectionReview,
  DoubleReaction,
  DoubleRequest,
  DoubleViolation,
  RepositoryPermission,
} from "./types.js";

export interface Installation {
  id: number;
  repos: Set<string>;
}

export interface TokenGrant {
  installationId: number;
  expiresAt: number;
}

/** Everything the double remembers, as plain data; the handlers read and change it. */
export interface DoubleState {
  appId: number;
  publicKey: KeyObject;
  installations: Map<number, Installation>;
  tokens: Map<string, TokenGrant>;
  permissions: Map<string, RepositoryPermission>;
  pulls: Map<string, { pr: PullRequestFixture; updatedAt: string }>;
  contents: Map<string, string>;
  checkRuns: Map<number, DoubleCheckRun>;
  comments: Map<number, DoubleComment>;
  reactions: DoubleReaction[];
  protectionReviews: DoubleProtectionReview[];
  requests: DoubleRequest[];
  violations: DoubleViolation[];
  /** The id the next created object gets. */
  nextId: number;
  /** Requests still to answer with an injected failure. */
  failures: { count: number; status: number };
  down: boolean;
}

export function createDoubleState(appId: number, publicKey: KeyObject): DoubleState {
  return {
    appId,
    publicKey,
    installations: new Map(),
    tokens: new Map(),
    permissions: new Map(),
    pulls: new Map(),
    contents: new Map(),
    checkRuns: new Map(),
    comments: new Map(),
    reactions: [],
    protectionReviews: [],
    requests: [],
    violations: [],
    nextId: 1000,
    failures: { count: 0, status: 500 },
    down: false,
  };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
