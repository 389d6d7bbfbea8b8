import type { RunResult, RunSource } from "@mlxbench/proto";
import type { ReadinessAssessment } from "../assess-readiness.js";
import type { ClusterLifecycle } from "../cluster-lifecycle.js";
import type { OutputPaths } from "../output-paths.js";
import type { ComponentName, SuiteReports } from "../results/index.js";
import type { SuiteOptions } from "../suite-options.js";

export interface SuiteRunInput {
  options: SuiteOptions;
  /** Components to run (default all, minus the skipped ones); single-component subcommands pass one. */
  components?: readonly ComponentName[];
  lifecycle?: ClusterLifecycle;
  source?: RunSource;
  /** Hardware label of the fingerprint; default: the cluster's device models, else this machine. */
  hardware?: string;
  /** Write the executive summary (the full suite does; single components do not). */
  executiveSummary?: boolean;
  /**
   * The HTTP API to list devices for per-device communication figures when no other component
   * needs it (the communication subcommand); the full suite uses the cluster's API.
   */
  perDeviceApiUrl?: string;
  /** Versions for the fingerprint besides node and the schema. */
  versions?: Record<string, string>;
}

export interface SuiteRunOutput {
  runResult: RunResult;
  readiness: ReadinessAssessment;
  reports: SuiteReports;
  paths: OutputPaths;
  timestamp: string;
  /** Every file written, relative to the working directory. */
  files: string[];
}
