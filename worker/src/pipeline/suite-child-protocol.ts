import type { ClusterMode, MlxbenchConfig, RunResult, RunSource } from "@mlxbench/proto";
import type { SuiteFlags } from "@mlxbench/suite";

/** What the parent asks the suite child to run. */
export interface SuiteChildSpec {
  config: MlxbenchConfig;
  flags: SuiteFlags;
  profile: "pull_request" | "default_branch";
  outputDir: string;
  source: RunSource;
  /** Modes whose cluster the parent manages (start/stop are forwarded to it). */
  managedModes: ClusterMode[];
  versions: Record<string, string>;
  logLevel: string;
}

export type ParentMessage =
  | { type: "run"; spec: SuiteChildSpec }
  | { type: "lifecycle-reply"; id: number; ok: boolean; error?: string };

export type ChildMessage =
  | { type: "progress"; line: string }
  | { type: "lifecycle"; id: number; op: "start" | "stop"; mode: ClusterMode }
  | { type: "done"; runResult: RunResult; files: string[] }
  | { type: "failed"; message: string };
