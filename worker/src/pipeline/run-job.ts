import { mkdir, readdir, rm } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import type { Logger } from "pino";
import {
  GateConfig,
  type BenchmarkJob,
  type MlxbenchConfig,
  type RunResult,
} from "@mlxbench/proto";
import {
  archiveRunDurably,
  listBaselineCandidates,
  loadRun,
  runKeys,
  withRetry,
  type ArchiveStore,
  type RetryOptions,
  type RunArtifact,
} from "@mlxbench/archive";
import {
  CONFIG_FILE,
  describeConfigProblems,
  fetchCommit,
  readRepoConfig,
  type Checkout,
} from "../checkout/index.js";
import { ClusterStartError, createClusterManager, type ClusterManager } from "../cluster/index.js";
import {
  isPermanentGitHubError,
  renderSummary,
  renderTitle,
  type CheckAnnotation,
  type CheckConclusion,
  type Publisher,
} from "../github/index.js";
import {
  chooseBaseline,
  computeVerdict,
  deriveVerdictConfig,
  diffFingerprintIdentity,
  type Verdict,
} from "@mlxbench/verdict";
import { decideGate } from "./decide-gate.js";
import { PermanentJobError, TransientJobError } from "./errors.js";
import { expectFingerprint, findReusableRun, type ReusableRun } from "./find-reusable-run.js";
import { branchOf, flagsOf, isDefaultBranchRun } from "./job-context.js";
import { rerunIfInconclusive } from "./rerun-if-inconclusive.js";
import { runSuiteInChild, SuiteProcessError } from "./run-suite-in-child.js";

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
  logger: Logger;
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
  now?: () => Date;
}

export interface RunJobOptions {
  /** Aborted by a newer push (the cancel key) or the worker shutting down. */
  signal?: AbortSignal;
  /** 1-based attempt of the queue, and how many there are: the last attempt always concludes. */
  attempt?: number;
  maxAttempts?: number;
}

export interface RunJobOutcome {
  conclusion: CheckConclusion;
  reason: string;
  archivedIn: "archive" | "spool" | "already-archived";
  /** Timing of the run, for the pipeline benchmark. */
  timings: {
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
  };
}

interface Outcome {
  conclusion: CheckConclusion;
  reason: string;
  verdict: Verdict | null;
  runResult: RunResult | null;
  notes: string[];
  log?: { label: string; text: string };
  annotations: CheckAnnotation[];
  config: MlxbenchConfig | null;
  /** The archived run whose verdict answered this deployment gate (no suite ran). */
  reusedRunId?: string;
  /** The gate rules of an archived run being republished (its config is not read again). */
  gate?: GateConfig;
}

/**
 * Artifact of a gate answered from an earlier run: the gate run is archived without a result (a
 * copy would count twice among baselines and noise history), so a retry that only republishes
 * finds the reused run through this file.
 */
const REUSED_FROM_FILE = "reused-from.json";

/** The gate rules a deployment's run was answered by, for a retry that only republishes. */
const GATE_CONFIG_FILE = "gate-config.json";

const DEFAULT_GATE: GateConfig = GateConfig.parse({});

const DEFAULT_PUBLISH_RETRY: RetryOptions = { attempts: 4, baseDelayMs: 1000 };

/**
 * One benchmark job from checkout to published verdict. Every step shows on the check run; the
 * cluster is always stopped and the checkout removed; the run is archived (or spooled) before it
 * is published, so a GitHub outage never loses it, and a retry of the job only republishes.
 */
export async function runJob(
  job: BenchmarkJob,
  deps: PipelineDeps,
  options: RunJobOptions = {},
): Promise<RunJobOutcome> {
  const now = deps.now ?? (() => new Date());
  const t0 = Date.now();
  let suiteMs = 0;
  let suiteOwnMs = 0;
  let clusterStartMs = 0;
  const log = deps.logger.child({
    jobId: job.jobId,
    repo: job.repository.fullName,
    sha: job.commit.sha,
  });
  const repo = job.repository.fullName;
  const runDir = join(deps.workDir, "runs", job.jobId);
  const outputDir = join(runDir, "output");
  const logDir = join(outputDir, "logs");
  const signal = options.signal;
  const lastAttempt = (options.attempt ?? 1) >= (options.maxAttempts ?? 1);
  const runUrl = deps.publicUrl
    ? `${deps.publicUrl.replace(/\/+$/, "")}/reports/${repo}/runs/${encodeURIComponent(job.jobId)}`
    : undefined;
  // A retried job starts clean: partial files of a killed attempt must not pass as this run's.
  await rm(runDir, { recursive: true, force: true });
  await mkdir(logDir, { recursive: true });
  const publisher = await deps.createPublisher(job, runDir);

  const steps: string[] = [];
  // A retry after publishing failed: the run is archived already, only publish it again.
  const archived = await loadRun(deps.store, repo, job.jobId).catch((err: unknown) => {
    log.warn({ err }, "could not look for an archived run of this job; running it");
    return null;
  });
  if (archived) {
    log.info("run already archived; publishing it again");
    const reused = await readReusedFrom(archived.meta.files);
    const gate = job.deployment ? await readGateConfig(archived.meta.files) : undefined;
    const outcome: Outcome = {
      conclusion: archived.meta.conclusion,
      reason: archived.meta.reason,
      verdict: (archived.verdict as Verdict | null) ?? null,
      runResult: archived.runResult ?? reused?.runResult ?? null,
      notes: [],
      annotations: [],
      config: null,
      ...(reused ? { reusedRunId: reused.runId } : {}),
      ...(gate ? { gate } : {}),
    };
    await publish(outcome, archived.summaryMarkdown ?? renderSummary(summaryInput(outcome)));
    return {
      conclusion: outcome.conclusion,
      reason: outcome.reason,
      archivedIn: "already-archived",
      timings: {
        totalMs: Date.now() - t0,
        suiteMs: 0,
        suiteOwnMs: 0,
        clusterStartMs: 0,
        archiveMs: 0,
        publishMs: 0,
      },
    };
  }

  const step = (line: string): void => {
    steps.push(`${now().toISOString().slice(11, 19)} ${line}`);
    log.info({ step: line }, "step");
    // Not awaited (a slow GitHub must not hold the run), but a rejection would crash the worker.
    publisher
      .progress([...steps])
      .catch((err: unknown) => log.warn({ err }, "progress not published"));
  };
  try {
    await publisher.startCheck(
      `Benchmarking \`${job.commit.sha.slice(0, 7)}\` (attempt ${options.attempt ?? 1}).`,
    );
  } catch (err) {
    // The run goes on: its verdict is published at the end, when GitHub may be back.
    log.warn({ err }, "check run not set in progress");
  }

  let checkout: Checkout | undefined;
  let cluster: ClusterManager | undefined;
  let outcome: Outcome | null = null;
  let retryLater: Error | null = null;
  // The repository's config once read: a run that fails after it still answers a gate by its rules.
  let repoConfig: MlxbenchConfig | null = null;
  const artifacts: RunArtifact[] = [];
  try {
    signal?.throwIfAborted();
    step(`fetching ${job.commit.sha.slice(0, 7)}`);
    const token = await gitTokenFor(deps, job);
    checkout = await fetchCommit({
      cacheDir: deps.cloneCacheDir,
      repository: repo,
      cloneUrl: job.repository.cloneUrl,
      sha: job.commit.sha,
      ...(job.commit.ref?.startsWith("refs/") ? { ref: job.commit.ref } : {}),
      ...(job.pullRequest?.baseSha ? { baseSha: job.pullRequest.baseSha } : {}),
      workName: job.jobId,
      ...(token ? { token } : {}),
      ...(signal ? { signal } : {}),
    }).catch((err: unknown) => {
      if (signal?.aborted) throw err;
      throw new TransientJobError(`fetching the commit failed: ${(err as Error).message}`, {
        cause: err,
      });
    });

    step(`reading ${CONFIG_FILE}`);
    const read = await readRepoConfig(checkout.dir);
    if (!read.ok) {
      outcome = {
        conclusion: "failure",
        reason: `${CONFIG_FILE} is invalid: ${read.problems[0]?.message ?? "see details"}${read.problems[0]?.line !== undefined ? ` (line ${read.problems[0].line})` : ""}`,
        verdict: null,
        runResult: null,
        notes: [
          `${CONFIG_FILE} at this commit does not match the schema:\n\n${describeConfigProblems(read.problems)}`,
        ],
        annotations: read.problems.map((p) => ({
          path: CONFIG_FILE,
          start_line: p.line ?? 1,
          end_line: p.line ?? 1,
          annotation_level: "failure",
          title: "invalid .mlxbench.yml",
          message: p.message,
        })),
        config: null,
      };
    } else {
      const config = read.config;
      repoConfig = config;
      const profile = isDefaultBranchRun(job) ? "default_branch" : "pull_request";
      const reused = await findGateReuse(config, profile);
      if (reused) outcome = reusedOutcome(reused, config);
    }
    if (read.ok && !outcome) {
      const config = read.config;
      const profile = isDefaultBranchRun(job) ? "default_branch" : "pull_request";
      const modes = config.suite[profile].modes;
      cluster = createClusterManager({
        config,
        cwd: checkout.dir,
        logDir,
        stateFile: deps.clusterStateFile,
        logger: log,
        ...(deps.clusterEnv ? { env: deps.clusterEnv } : {}),
        onEvent: step,
      });
      const managed = (["distributed", "single-device"] as const).filter(
        (m) => modes.includes(m) && cluster?.has(m),
      );
      const c0 = Date.now();
      if (cluster.has("distributed")) await cluster.start("distributed", signal);
      clusterStartMs = Date.now() - c0;

      const runSuite = async (dir: string): Promise<RunResult> => {
        step(`running the suite${dir === outputDir ? "" : " again"}`);
        const s0 = Date.now();
        try {
          const res = await runSuiteInChild({
            spec: {
              config,
              flags: flagsOf(job),
              profile,
              outputDir: dir,
              source: {
                repository: repo,
                commit: job.commit.sha,
                branch: branchOf(job),
                trigger: job.trigger,
                ...(job.pullRequest ? { pullRequest: job.pullRequest.number } : {}),
              },
              managedModes: managed,
              versions: {},
              logLevel: deps.suiteLogLevel ?? "warn",
            },
            cluster: cluster as ClusterManager,
            logger: log,
            logFile: join(logDir, "suite.log"),
            onProgress: step,
            ...(signal ? { signal } : {}),
          });
          suiteOwnMs += Date.parse(res.runResult.finishedAt) - Date.parse(res.runResult.startedAt);
          return res.runResult;
        } finally {
          suiteMs += Date.now() - s0;
        }
      };
      const runResult = await runSuite(outputDir).catch((err: unknown) => {
        if (err instanceof SuiteProcessError && !signal?.aborted)
          throw new TransientJobError(err.message, { cause: err });
        throw err;
      });
      signal?.throwIfAborted();
      step("comparing with the baseline");
      const mergeBase = checkout.mergeBase;
      const judged = await rerunIfInconclusive(
        { runResult, verdict: await judge(runResult, config, mergeBase) },
        () => runSuite(join(outputDir, "rerun")),
        (pooled) => judge(pooled, config, mergeBase),
        { log, ...(signal ? { signal } : {}) },
      );
      const { verdict, notes } = judged;
      outcome = {
        conclusion: verdict.conclusion,
        reason: verdict.reason,
        verdict,
        runResult: judged.runResult,
        notes,
        annotations: [],
        config,
      };
    }
  } catch (err) {
    if (signal?.aborted && signal.reason instanceof TransientJobError && !lastAttempt) {
      // The worker is shutting down: the job goes back to the queue rather than ending cancelled.
      retryLater = signal.reason;
    } else if (signal?.aborted) {
      const why =
        signal.reason instanceof Error
          ? signal.reason.message
          : String(signal.reason ?? "cancelled");
      outcome = {
        conclusion: "cancelled",
        reason: why,
        verdict: null,
        runResult: null,
        notes: [],
        annotations: [],
        config: repoConfig,
      };
    } else if (err instanceof ClusterStartError) {
      outcome = {
        conclusion: "failure",
        reason: err.message,
        verdict: null,
        runResult: null,
        notes: [],
        log: { label: `cluster log (${err.mode})`, text: err.log },
        annotations: [],
        config: repoConfig,
      };
    } else if (err instanceof TransientJobError && !lastAttempt) {
      retryLater = err;
    } else {
      log.error({ err }, "run failed");
      outcome = {
        conclusion: "failure",
        reason: `the run failed: ${(err as Error).message}`,
        verdict: null,
        runResult: null,
        notes: [],
        annotations: [],
        config: repoConfig,
      };
    }
  } finally {
    // Never leave a cluster running, whatever happened above.
    await cluster?.stopAll();
    await checkout?.remove().catch((err: unknown) => log.warn({ err }, "checkout not removed"));
  }

  if (retryLater) {
    await publisher
      .progress([
        ...steps,
        `${retryLater.message}; will retry (attempt ${options.attempt ?? 1} of ${options.maxAttempts ?? 1})`,
      ])
      .catch((err: unknown) => log.warn({ err }, "progress not published"));
    throw retryLater;
  }
  const final = outcome ?? {
    conclusion: "failure" as const,
    reason: "the run ended without an outcome",
    verdict: null,
    runResult: null,
    notes: [],
    annotations: [],
    config: repoConfig,
  };

  if (final.reusedRunId) {
    artifacts.push({
      path: REUSED_FROM_FILE,
      body: `${JSON.stringify({ runId: final.reusedRunId }, null, 2)}\n`,
    });
  }
  if (job.deployment && final.config) {
    // A retry that only republishes answers the gate again, by the same rules.
    artifacts.push({
      path: GATE_CONFIG_FILE,
      body: `${JSON.stringify(final.config.gate, null, 2)}\n`,
    });
  }
  // Artifacts: the suite's output tree (cluster logs included).
  for (const file of await listFiles(outputDir)) {
    artifacts.push({ path: relative(outputDir, file).split(sep).join("/"), file });
  }
  const charts = runUrl
    ? artifacts
        .filter((a) => a.path.endsWith(".png"))
        .map((a) => ({
          label:
            a.path
              .split("/")
              .at(-1)
              ?.replace(/_\d{8}_\d{6}.*\.png$/, "")
              .replace(/\.png$/, "") ?? a.path,
          url: `${runUrl}/files/${a.path}`,
        }))
    : [];
  const summary = renderSummary(summaryInput(final, charts));

  const finishedAt = now();
  const archive = async () =>
    archiveRunDurably(
      {
        meta: {
          runId: job.jobId,
          repository: repo,
          private: job.repository.private,
          commit: job.commit.sha,
          branch: branchOf(job),
          defaultBranch: job.repository.defaultBranch,
          ...(job.pullRequest ? { pullRequest: job.pullRequest.number } : {}),
          trigger: job.trigger,
          requestedBy: job.requestedBy,
          startedAt: new Date(t0).toISOString(),
          finishedAt: finishedAt.toISOString(),
          durationMs: finishedAt.getTime() - t0,
          conclusion: final.conclusion,
          reason: final.reason.split("\n")[0] ?? "",
          ...(final.runResult && !final.reusedRunId
            ? { fingerprint: final.runResult.fingerprint }
            : {}),
        },
        // A reused run's result stays only in that run: a copy would count twice as history.
        runResult: final.reusedRunId ? null : final.runResult,
        verdict: final.verdict,
        summaryMarkdown: summary,
        artifacts: [
          ...artifacts,
          ...(await listFiles(join(runDir, "github"))).map((f) => ({
            path: relative(runDir, f).split(sep).join("/"),
            file: f,
          })),
        ],
        isBaseline:
          isDefaultBranchRun(job) &&
          final.runResult !== null &&
          !final.reusedRunId &&
          final.conclusion !== "cancelled",
      },
      {
        store: deps.store,
        spoolDir: deps.spoolDir,
        ...(deps.uploadRetry ? { retry: deps.uploadRetry } : {}),
        logger: log,
      },
    );

  let archivedIn: "archive" | "spool" = "archive";
  let archiveMs = 0;
  let publishMs = 0;
  const timed = async (fn: () => Promise<unknown>): Promise<number> => {
    const s0 = Date.now();
    await fn();
    return Date.now() - s0;
  };
  let archiveError: unknown = null;
  const doArchive = async (): Promise<void> => {
    try {
      archivedIn = (await archive()).where;
    } catch (err) {
      // Not even the spool took it (a full disk): the verdict is still published, the folder kept.
      archiveError = err;
      log.error({ err, runDir }, "run neither archived nor spooled; its folder is kept");
    }
  };
  if (publisher.kind === "dry-run") {
    // Nothing can fail on the way to files: publish first so the archive holds what would be posted.
    publishMs = await timed(() => publish(final, summary));
    archiveMs = await timed(doArchive);
  } else {
    archiveMs = await timed(doArchive);
    publishMs = await timed(() => publish(final, summary));
  }
  if (archiveError)
    throw new PermanentJobError(
      `the run was published but not archived (kept in ${runDir}): ${archiveError instanceof Error ? archiveError.message : "unknown error"}`,
      { cause: archiveError },
    );
  if (!deps.keepRunDirs) await rm(runDir, { recursive: true, force: true });
  return {
    conclusion: final.conclusion,
    reason: final.reason,
    archivedIn,
    timings: {
      totalMs: Date.now() - t0,
      suiteMs,
      suiteOwnMs,
      clusterStartMs,
      archiveMs,
      publishMs,
    },
  };

  function summaryInput(o: Outcome, chartLinks: { label: string; url: string }[] = []) {
    return {
      conclusion: o.conclusion,
      reason: o.reason,
      commit: job.commit.sha,
      verdict: o.verdict,
      runResult: o.runResult,
      ...(runUrl ? { runUrl } : {}),
      charts: chartLinks,
      notes: o.notes,
      ...(o.log ? { log: o.log } : {}),
    };
  }

  /**
   * A deployment gate answered by a recent archived run of exactly this commit and these suite
   * options (issue 6), so a redeploy does not cost a cluster run; null: run the suite.
   */
  async function findGateReuse(
    config: MlxbenchConfig,
    profile: keyof MlxbenchConfig["suite"],
  ): Promise<ReusableRun | null> {
    const hours = config.gate.reuse_within_hours;
    if (job.trigger !== "deployment_gate" || !job.deployment || hours <= 0) return null;
    try {
      const found = await findReusableRun(deps.store, {
        repository: repo,
        commit: job.commit.sha,
        expected: expectFingerprint(job, config, profile),
        finishedSince: new Date(now().getTime() - hours * 3_600_000),
        excludeRunId: job.jobId,
      });
      if (found)
        step(`reusing run ${found.runId} of this commit (finished ${found.meta.finishedAt})`);
      return found;
    } catch (err) {
      // The lookup is only a shortcut: whatever keeps it from answering, the suite runs.
      log.warn({ err }, "looking for a reusable run failed; running the suite");
      return null;
    }
  }

  function reusedOutcome(r: ReusableRun, config: MlxbenchConfig): Outcome {
    const fp = r.runResult.fingerprint;
    return {
      conclusion: r.meta.conclusion,
      reason: `reused run ${r.runId}: ${r.meta.reason}`,
      verdict: r.verdict as Verdict,
      runResult: r.runResult,
      notes: [
        `This deployment gate reused run \`${r.runId}\` of the same commit, finished ${r.meta.finishedAt} (within \`gate.reuse_within_hours: ${config.gate.reuse_within_hours}\`), with the same suite options (hash \`${fp.suiteOptionsHash}\`), cluster mode (${fp.clusterMode})${config.cluster.model ? `, model` : ""}${config.cluster.expected_devices.length ? ", expected devices" : ""}; the cluster was not started and the suite did not run. Its hardware (${fp.hardware}) could not be compared: the suite learns it from the running cluster.`,
      ],
      annotations: [],
      config,
      reusedRunId: r.runId,
    };
  }

  /** The reused run of an archived gate run (a retry that only republishes), if it was one. */
  async function readReusedFrom(
    files: readonly string[],
  ): Promise<{ runId: string; runResult: RunResult | null } | null> {
    if (!files.includes(`files/${REUSED_FROM_FILE}`)) return null;
    try {
      const obj = await deps.store.get(runKeys(repo, job.jobId).file(REUSED_FROM_FILE));
      const runId = (JSON.parse(obj?.body.toString("utf8") ?? "null") as { runId?: unknown } | null)
        ?.runId;
      if (typeof runId !== "string") return null;
      const run = await loadRun(deps.store, repo, runId);
      return { runId, runResult: run?.runResult ?? null };
    } catch (err) {
      log.warn({ err }, "the reused run of this gate could not be read");
      return null;
    }
  }

  /**
   * The gate rules archived with the run; undefined when it has none (its config was invalid, or
   * it was archived before they were kept), which is what the first answer used too. Rules that
   * were archived but cannot be read now are worth a retry, not a guess.
   */
  async function readGateConfig(files: readonly string[]): Promise<GateConfig | undefined> {
    if (!files.includes(`files/${GATE_CONFIG_FILE}`)) return undefined;
    try {
      const obj = await deps.store.get(runKeys(repo, job.jobId).file(GATE_CONFIG_FILE));
      if (obj === null) throw new Error(`${GATE_CONFIG_FILE} is listed but missing`);
      return GateConfig.parse(JSON.parse(obj.body.toString("utf8")));
    } catch (err) {
      throw new TransientJobError(
        `the archived gate rules of this run could not be read: ${(err as Error).message}`,
        { cause: err },
      );
    }
  }

  async function judge(
    current: RunResult,
    config: MlxbenchConfig,
    mergeBase: string | undefined,
  ): Promise<Verdict> {
    const verdictConfig = deriveVerdictConfig(config);
    let candidates;
    try {
      candidates = await listBaselineCandidates(deps.store, repo, {
        defaultBranch: job.repository.defaultBranch,
        limit: 200,
      });
    } catch (err) {
      // An unreachable archive must not cost the run: it is judged without a baseline and spooled.
      log.warn({ err }, "archive unreachable while choosing the baseline");
      return computeVerdict(current, null, [], verdictConfig, {
        noBaselineDetail: `the archive was unreachable: ${(err as Error).message}`,
      });
    }
    const choice = chooseBaseline({
      current,
      candidates,
      defaultBranch: job.repository.defaultBranch,
      ...(mergeBase ? { mergeBase } : {}),
    });
    if (!choice.found)
      return computeVerdict(current, null, [], verdictConfig, { noBaselineDetail: choice.detail });
    const comparable = candidates
      .filter((c) => diffFingerprintIdentity(current.fingerprint, c.fingerprint).length === 0)
      .slice(0, verdictConfig.noiseWindow);
    const [baseline, ...history] = await Promise.all([
      choice.baseline.loadResult(),
      ...comparable.map((c) =>
        c.loadResult().catch((err: unknown) => {
          log.warn({ err, runId: c.runId }, "a past run's result could not be read; left out");
          return null;
        }),
      ),
    ]);
    return computeVerdict(
      current,
      baseline,
      history.filter((h): h is RunResult => h !== null),
      verdictConfig,
    );
  }

  async function publish(o: Outcome, summaryText: string): Promise<void> {
    const retry: RetryOptions = {
      ...(deps.publishRetry ?? DEFAULT_PUBLISH_RETRY),
      retryIf: (err) => !isPermanentGitHubError(err),
      onRetry: (err, n) => log.warn({ err, attempt: n }, "publishing failed; retrying"),
    };
    const text = [
      ...(steps.length ? ["### Steps", "", ...steps.map((s) => `- ${s}`), ""] : []),
      ...(o.runResult?.warnings.length
        ? ["### Warnings", "", ...o.runResult.warnings.map((w) => `- ${w}`), ""]
        : []),
      ...(o.runResult
        ? [
            "### Components",
            "",
            ...o.runResult.components.map(
              (c) => `- ${c.name}: ${c.status}${c.message ? ` — ${c.message}` : ""}`,
            ),
          ]
        : []),
    ].join("\n");
    try {
      await withRetry(
        () =>
          publisher.completeCheck({
            conclusion: o.conclusion,
            title: renderTitle(o),
            summary: summaryText,
            ...(text ? { text } : {}),
            ...(o.annotations.length ? { annotations: o.annotations } : {}),
          }),
        retry,
      );
      if (job.pullRequest && o.conclusion !== "cancelled") {
        // A cancelled run must not overwrite the comment of the run that superseded it.
        const body = `${summaryText}\n<sub>Latest run: \`${job.commit.sha.slice(0, 7)}\` · ${job.jobId}</sub>\n`;
        await withRetry(() => publisher.upsertPrComment(job.pullRequest?.number ?? 0, body), retry);
      }
      if (job.deployment) {
        const gate = decideGate(
          o.conclusion,
          o.runResult,
          o.gate ?? o.config?.gate ?? DEFAULT_GATE,
          job.deployment.environment,
        );
        const comment = o.reusedRunId
          ? `${gate.comment} (reused run ${o.reusedRunId} of this commit; the suite did not run again)`
          : gate.comment;
        await withRetry(() => publisher.answerGate(gate.state, comment), retry);
      }
    } catch (err) {
      if (isPermanentGitHubError(err))
        throw new PermanentJobError(`GitHub refused the publication: ${(err as Error).message}`, {
          cause: err,
        });
      throw new TransientJobError(`publishing failed: ${(err as Error).message}`, { cause: err });
    }
  }
}

/**
 * The token to clone a private repository. GitHub down or rate-limiting is worth another attempt;
 * a refusal (the installation gone, no access to the repository) is not.
 */
async function gitTokenFor(deps: PipelineDeps, job: BenchmarkJob): Promise<string | undefined> {
  try {
    return await deps.gitToken?.(job);
  } catch (err) {
    const why = `getting an installation token to clone ${job.repository.fullName} failed: ${(err as Error).message}`;
    if (isPermanentGitHubError(err)) throw new Error(why, { cause: err });
    throw new TransientJobError(why, { cause: err });
  }
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) out.push(p);
    }
  };
  await walk(dir);
  return out.sort();
}
