import { join } from "node:path";
import type { MlxbenchConfig, RunResult } from "@mlxbench/proto";
import { createClusterManager, type ClusterManager } from "../cluster/index.js";
import { timed } from "./clock.js";
import { TransientJobError } from "./errors.js";
import { branchOf, flagsOf } from "./job-context.js";
import type { JobRun } from "./job-run.js";
import type { SuiteProfile } from "./read-job-config.js";
import { runSuiteInChild, SuiteProcessError } from "./run-suite-in-child.js";

export interface Measurement {
  /** Stopped by the caller whatever happens (stopAll never throws). */
  cluster: ClusterManager;
  /** Starts the distributed cluster, when the config has one, and waits for it to be ready. */
  startCluster(): Promise<void>;
  /**
   * Runs the suite in a child process into `dir`; a crashed child is worth another attempt.
   * `step` is the progress line shown on the check run (default: running the suite).
   */
  runSuite(dir: string, step?: string): Promise<RunResult>;
}

/** Step 3: the cluster's lifecycle and the suite, as the config's profile asks. */
export function createMeasurement(
  run: JobRun,
  checkoutDir: string,
  config: MlxbenchConfig,
  profile: SuiteProfile,
  /**
   * Another commit than the job's, checked out in `checkoutDir` (a confirmation's merge-base), with
   * its cluster logs in a folder of their own.
   */
  other?: { commit: string; logDir: string },
): Measurement {
  const commit = other?.commit ?? run.job.commit.sha;
  const { job, deps, log, signal } = run;
  const cluster = createClusterManager({
    config,
    cwd: checkoutDir,
    logDir: other?.logDir ?? run.logDir,
    stateFile: deps.clusterStateFile,
    logger: log,
    clock: run.clock,
    ...(deps.clusterEnv ? { env: deps.clusterEnv } : {}),
    onEvent: (line) => run.step(line),
  });
  const modes = config.suite[profile].modes;
  const managedModes = (["distributed", "single-device"] as const).filter(
    (m) => modes.includes(m) && cluster.has(m),
  );
  const addTo = (key: keyof JobRun["timings"]) => (ms: number) => {
    run.timings[key] += ms;
  };
  return {
    cluster,
    async startCluster() {
      if (!cluster.has("distributed")) return;
      await timed(run.clock, () => cluster.start("distributed", signal), addTo("clusterStartMs"));
    },
    async runSuite(dir, step) {
      run.step(step ?? `running the suite${dir === run.outputDir ? "" : " again"}`);
      const res = await timed(
        run.clock,
        () =>
          runSuiteInChild({
            spec: {
              config,
              flags: flagsOf(job),
              profile,
              outputDir: dir,
              source: {
                repository: run.repo,
                commit,
                branch: branchOf(job),
                trigger: job.trigger,
                ...(job.pullRequest ? { pullRequest: job.pullRequest.number } : {}),
              },
              managedModes,
              versions: {},
              logLevel: deps.suiteLogLevel ?? "warn",
            },
            cluster,
            logger: log,
            logFile: join(other?.logDir ?? run.logDir, "suite.log"),
            onProgress: (line) => run.step(line),
            ...(signal ? { signal } : {}),
          }),
        addTo("suiteMs"),
      ).catch((err: unknown) => {
        if (err instanceof SuiteProcessError && !signal?.aborted)
          throw new TransientJobError(err.message, { cause: err });
        throw err;
      });
      // The suite's own span, from its result (the child's clock): what the benchmark subtracts.
      run.timings.suiteOwnMs +=
        Date.parse(res.runResult.finishedAt) - Date.parse(res.runResult.startedAt);
      return res.runResult;
    },
  };
}
