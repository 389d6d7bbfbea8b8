/** A repository role as GitHub names it (`role_name`). */
export type RepositoryPermission = "admin" | "maintain" | "write" | "triage" | "read" | "none";

export interface DoubleCheckRun {
  id: number;
  repo: string;
  name: string;
  head_sha: string;
  status: string;
  conclusion: string | null;
  external_id: string | null;
  details_url: string | null;
  output: Record<string, unknown> | null;
  actions: unknown[];
  started_at: string | null;
  completed_at: string | null;
  /** Every PATCH body, in order. */
  updates: Record<string, unknown>[];
}

export interface DoubleComment {
  id: number;
  repo: string;
  issue_number: number;
  body: string;
  created_at: string;
  updated_at: string;
}

export interface DoubleReaction {
  id: number;
  repo: string;
  comment_id: number;
  content: string;
}

export interface DoubleProtectionReview {
  repo: string;
  run_id: number;
  environment_name: string;
  state: string | undefined;
  comment: string | undefined;
}

export interface DoubleRequest {
  method: string;
  path: string;
  operationId: string | undefined;
  status: number;
  body: unknown;
}

/**
 * A request that broke GitHub's description (answered 422/404) or was not authorised, or a
 * response of the double's own that breaks it (a bug of the double, sent as it is).
 */
export interface DoubleViolation {
  side: "request" | "response";
  method: string;
  path: string;
  operationId: string | undefined;
  problems: string[];
}
