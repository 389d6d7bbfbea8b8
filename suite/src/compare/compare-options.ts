import type { MetricResult } from "@mlxbench/proto";
import type { ClusterLifecycle } from "../cluster-lifecycle.js";
import type { SuiteOptions, Target } from "../suite-options.js";

export interface CompareOptions extends Pick<
  SuiteOptions,
  | "concurrentRequests"
  | "performanceIterations"
  | "model"
  | "prompts"
  | "costs"
  | "readinessTimeoutMs"
  | "requestTimeoutMs"
  | "quick"
> {
  distributed: Target;
  singleDevice?: Target;
  lifecycle?: ClusterLifecycle;
  /** The distributed cluster was started by the caller (and is running now). */
  distributedRunning?: boolean;
  baselineDir?: string;
  /** Metrics of this run, for `--baseline DIR`; the compare component adds its own. */
  currentMetrics?: MetricResult[];
  thresholdPct?: (key: string) => number;
  suiteOptionsHash?: string;
}
