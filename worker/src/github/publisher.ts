import type { CheckConclusion } from "./render-summary.js";

export interface CheckAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  annotation_level: "notice" | "warning" | "failure";
  message: string;
  title?: string;
}

export interface CheckCompletion {
  conclusion: CheckConclusion;
  title: string;
  summary: string;
  text?: string;
  annotations?: CheckAnnotation[];
}

export type GateState = "approved" | "rejected";

/** Where a run's verdict is shown: GitHub, or files in the run's folder (dry run). */
export interface Publisher {
  readonly kind: "github" | "dry-run";
  /** The check run as in_progress (created when the service could not create it). */
  startCheck(summary: string): Promise<void>;
  /** The progress line list of the in_progress check run; failures are logged, never thrown. */
  progress(lines: readonly string[]): Promise<void>;
  completeCheck(completion: CheckCompletion): Promise<void>;
  /** One comment per PR, found by its hidden marker and updated; created only when none exists. */
  upsertPrComment(prNumber: number, body: string): Promise<"created" | "updated">;
  answerGate(state: GateState, comment: string): Promise<void>;
}

/** The identifiers of the check run's buttons (proto CheckRunAction). */
export const CHECK_ACTIONS = [
  {
    label: "Re-run full",
    description: "Run the full suite on this commit",
    identifier: "rerun-full",
  },
  {
    label: "Re-run quick",
    description: "Run the quick suite on this commit",
    identifier: "rerun-quick",
  },
] as const;

/** The hidden marker that identifies our PR comment. */
export function commentMarker(checkName: string): string {
  return `<!-- mlxbench:pr-summary:${checkName.replace(/--/g, "")} -->`;
}
