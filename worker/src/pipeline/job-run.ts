import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "pino";
import type { BenchmarkJob, MlxbenchConfig } from "@mlxbench/proto";
import type { ArchiveStore, RetryOptions } from "@mlxbench/archive";
import type { Publisher } from "../github/index.js";
import type { Clock } from "./clock.js";

export interface PipelineDeps {
  store: ArchiveStore;
  /** Runs the archive could not take yet (uploaded by flushSpool later). */
  spoolDir: string;
  /** Run folders: `{workDir}/runs/{jobId}`. */
  workDir: string;
  cloneCacheDir: string;
  /** Process groups of started clusters, for crash recovery. */
  clusterStateFile: string;
  checkName: string;
  /** Base of the archive pages (links in the check run and comment). */
  publicUrl?: string;
  /** QuickChart's base URL for the comment's chart images; set, it is used for private repositories too. */
  quickChartUrl?: string;
  logger: Logger;
  /** Every timestamp and duration of the pipeline and the queue worker (systemClock in production). */
  clock: Clock;
  createPublisher(job: BenchmarkJob, runDir: string): Publisher | Promise<Publisher>;
  /** An installation token for cloning private repositories. */
  gitToken?(job: BenchmarkJob): Promise<string | undefined>;
  uploadRetry?: RetryOptions;
  publishRetry?: RetryOptions;
  /** Extra environment for the cluster's start/stop commands. */
  clusterEnv?: Record<string, string>;
  suiteLogLevel?: string;
  /** Keep run folders after the run (default: removed once archived). */
  keepRunDirs?: boolean;
}

export interface RunJobOptions {
  /** Aborted by a newer push (the cancel key) or the worker shutting down. */
  signal?: AbortSignal;
  /** 1-based attempt of the queue, and how many there are: the last attempt always concludes. */
  attempt?: number;
  maxAttempts?: number;
}

/** Durations of one run on the deps' clock, for the pipeline benchmark. */
export interface RunTimings {
  totalMs: number;
  /** Wall time of the suite's child processes (process start included). */
  suiteMs: number;
  /** What the suite itself measured for (its RunResult's startedAt → finishedAt). */
  suiteOwnMs: number;
  /** Starting the cluster and waiting for readiness, before the suite. */
  clusterStartMs: number;
  /** Uploading the run to the archive. */
  archiveMs: number;
  /** Completing the check run, the PR comment, the gate. */
  publishMs: number;
}

/** One job's run: what every step reads, and the few things steps record (steps, timings, config). */
export interface JobRun {
  job: BenchmarkJob;
  deps: PipelineDeps;
  clock: Clock;
  log: Logger;
  repo: string;
  runDir: string;
  outputDir: string;
  logDir: string;
  /** The run's page in the archive, when there are pages. */
  runUrl?: string;
  signal?: AbortSignal;
  attempt: number;
  maxAttempts: number;
  /** When the run started, on the clock. */
  startedAt: number;
  publisher: Publisher;
  /** The progress lines shown on the check run so far (`HH:MM:SS what`). */
  steps: string[];
  /** Records a progress line and shows it on the check run (never waits for GitHub). */
  step(line: string): void;
  timings: Omit<RunTimings, "totalMs">;
  /** The repository's config once read: a run that fails after it still answers a gate by its rules. */
  config: MlxbenchConfig | null;
}

/** The run's context: folders, logger, publisher, and the step log that feeds the check run. */
export async function createJobRun(
  job: BenchmarkJob,
  deps: PipelineDeps,
  options: RunJobOptions,
): Promise<JobRun> {
  const clock = deps.clock;
  const startedAt = clock.now();
  const repo = job.repository.fullName;
  const runDir = join(deps.workDir, "runs", job.jobId);
  const outputDir = join(runDir, "output");
  const log = deps.logger.child({ jobId: job.jobId, repo, sha: job.commit.sha });
  // A retried job starts clean: partial files of a killed attempt must not pass as this run's.
  await rm(runDir, { recursive: true, force: true });
  await mkdir(join(outputDir, "logs"), { recursive: true });
  const publisher = await deps.createPublisher(job, runDir);
  const steps: string[] = [];
  return {
    job,
    deps,
    clock,
    log,
    repo,
    runDir,
    outputDir,
    logDir: join(outputDir, "logs"),
    ...(deps.publicUrl
      ? {
          runUrl: `${deps.publicUrl.replace(/\/+$/, "")}/reports/${repo}/runs/${encodeURIComponent(job.jobId)}`,
        }
      : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    attempt: options.attempt ?? 1,
    maxAttempts: options.maxAttempts ?? 1,
    startedAt,
    publisher,
    steps,
    step(line) {
      steps.push(`${new Date(clock.now()).toISOString().slice(11, 19)} ${line}`);
      log.info({ step: line }, "step");
      // Not awaited (a slow GitHub must not hold the run), but a rejection would crash the worker.
      publisher
        .progress([...steps])
        .catch((err: unknown) => log.warn({ err }, "progress not published"));
    },
    timings: { suiteMs: 0, suiteOwnMs: 0, clusterStartMs: 0, archiveMs: 0, publishMs: 0 },
    config: null,
  };
}
