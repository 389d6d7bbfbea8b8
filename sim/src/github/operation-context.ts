import type { DoubleState } from "./double-state.js";

/** What a handler of one operation gets: the state, the request's parts and how to answer. */
export interface OperationContext {
  state: DoubleState;
  /** The path's parameters, e.g. owner, repo, check_run_id. */
  p: Record<string, string | undefined>;
  /** owner/repo from the path. */
  repoName: string;
  /** The JSON body, {} when it is not an object. */
  b: Record<string, unknown>;
  query: URLSearchParams;
  /** This request's time, ISO 8601. */
  now: string;
  reply: (status: number, body?: unknown) => void;
}

export type OperationHandler = (ctx: OperationContext) => void;
