import { DelayedError, Queue, UnrecoverableError, Worker, type Job } from "bullmq";
import type { Redis, RedisOptions } from "ioredis";
import type { Logger } from "pino";
import { BenchmarkJob, jobCancelKey } from "@mlxbench/proto";
import { flushSpool } from "@mlxbench/archive";
import { killLeftoverGroups } from "../cluster/index.js";
import { renderSummary } from "../github/index.js";
import {
  classifyFailure,
  runJob,
  WorkerShutdownError,
  type PipelineDeps,
  type RunJobOutcome,
} from "../pipeline/index.js";
import { runGated, type JobGate } from "../fleet/job-gate.js";
import { applyRetryOptions, retryPolicyOf, unrecoverable } from "./retry-policy.js";

export interface BenchmarkWorkerOptions {
  queueName: string;
  /** For BullMQ's own connections: options with maxRetriesPerRequest null (workerRedisOptions). */
  connection: RedisOptions;
  /** For cancel keys; may be the same connection. */
  redis: Redis;
  /** The service's KEY_PREFIX. */
  keyPrefix: string;
  deps: PipelineDeps;
  logger: Logger;
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  /** Stalls (a worker that lost its lock, e.g. killed) before BullMQ fails the job. Default 2. */
  maxStalledCount?: number;
  /** Attempts for transient faults when the job's own options allow fewer (default 3). */
  maxAttempts?: number;
  /** First delay of BullMQ's exponential backoff, when the job has no backoff of its own (default 30 s). */
  backoffMs?: number;
  cancelPollMs?: number;
  /** Fleet runners: the runner's one-job-at-a-time gate across its pools' queues. */
  gate?: { gate: JobGate; label: string };
  /** Concurrency across all workers of the queue, stored in Redis; null leaves it unset (a pool). */
  globalConcurrency?: number | null;
}

export interface BenchmarkWorker {
  worker: Worker<unknown, RunJobOutcome>;
  queue: Queue;
  /** Stops taking work, aborts the running job (it is requeued) and waits for it to let go. */
  close(): Promise<void>;
}

const shutdownError = (): WorkerShutdownError =>
  new WorkerShutdownError("the worker is shutting down; the job is requeued");

/**
 * The BullMQ worker of one cluster's queue. One benchmark at a time, across every worker
 * instance on the queue: BullMQ's global concurrency (stored in Redis) is set to 1, and each
 * worker's local concurrency is 1 too.
 */
export async function startBenchmarkWorker(opts: BenchmarkWorkerOptions): Promise<BenchmarkWorker> {
  const { deps, logger } = opts;
  const retryPolicy = retryPolicyOf(opts);

  // Crash recovery: clusters a killed worker left running, runs it could not upload.
  const leftovers = await killLeftoverGroups(
    deps.clusterStateFile,
    undefined,
    undefined,
    deps.clock,
  );
  if (leftovers.length)
    logger.warn({ leftovers }, "ended cluster processes left by a previous worker");
  await flushSpoolQuietly();

  const queue = new Queue(opts.queueName, { connection: opts.connection });
  const globalConcurrency = opts.globalConcurrency === undefined ? 1 : opts.globalConcurrency;
  if (globalConcurrency !== null) await queue.setGlobalConcurrency(globalConcurrency);

  const running = new Map<string, AbortController>();
  let closing = false;

  async function flushSpoolQuietly(): Promise<void> {
    try {
      const r = await flushSpool(deps.spoolDir, deps.store, { logger });
      if (r.uploaded.length) logger.info({ runs: r.uploaded }, "uploaded spooled runs");
    } catch (err) {
      logger.warn({ err }, "spool not flushed");
    }
  }

  const processor = (
    job: Job<unknown, RunJobOutcome>,
    token?: string,
    bullSignal?: AbortSignal,
  ): Promise<RunJobOutcome> =>
    opts.gate
      ? runGated(opts.gate.gate, job, token, opts.gate.label, () => runOne(job, token, bullSignal))
      : runOne(job, token, bullSignal);

  const runOne = async (
    job: Job<unknown, RunJobOutcome>,
    token?: string,
    bullSignal?: AbortSignal,
  ): Promise<RunJobOutcome> => {
    const parsed = BenchmarkJob.safeParse(job.data);
    if (!parsed.success) {
      throw new UnrecoverableError(
        `invalid benchmark job: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
      );
    }
    const data = parsed.data;
    const log = logger.child({ jobId: data.jobId });
    await flushSpoolQuietly();
    // BullMQ owns the attempts: attemptsMade counts failed ones (a shutdown's DelayedError is none).
    const maxAttempts = applyRetryOptions(job, retryPolicy);
    const attempt = job.attemptsMade + 1;
    const controller = new AbortController();
    running.set(data.jobId, controller);
    // close() may have run while the spool was flushed above, before this job could be aborted.
    if (closing) controller.abort(shutdownError());
    const onBullAbort = (): void =>
      controller.abort(new Error(`cancelled: ${String(bullSignal?.reason ?? "by the worker")}`));
    bullSignal?.addEventListener("abort", onBullAbort, { once: true });
    // A newer push sets the cancel key; only this worker can stop its active job.
    const cancelKey = jobCancelKey(data.jobId, opts.keyPrefix);
    const poll = setInterval(() => {
      opts.redis.get(cancelKey).then(
        (reason) => {
          if (reason !== null && !controller.signal.aborted) {
            log.info({ reason }, "job superseded");
            controller.abort(new Error(reason));
          }
        },
        (err: unknown) => log.warn({ err }, "cancel key not read"),
      );
    }, opts.cancelPollMs ?? 1000);
    try {
      const superseded = await opts.redis.get(cancelKey).catch((err: unknown) => {
        log.warn({ err }, "cancel key not read; the poll will look again");
        return null;
      });
      if (superseded !== null) controller.abort(new Error(superseded));
      log.info({ attempt, maxAttempts }, "job started");
      const outcome = await runJob(data, deps, { signal: controller.signal, attempt, maxAttempts });
      log.info(
        { conclusion: outcome.conclusion, reason: outcome.reason, archivedIn: outcome.archivedIn },
        "job finished",
      );
      return outcome;
    } catch (err) {
      switch (classifyFailure(err, { lastAttempt: attempt >= maxAttempts })) {
        case "retry":
          if (!(err instanceof WorkerShutdownError)) throw err; // BullMQ's attempts and backoff
          // Shutting down: back to the queue at once, without spending an attempt.
          log.warn({ err, attempt }, "worker shutting down; job requeued");
          await job.moveToDelayed(deps.clock.now(), token);
          throw new DelayedError();
        case "conclude":
        case "fatal":
          // Concluded by runJob, or past what another attempt could fix: the job fails now.
          throw unrecoverable(err);
      }
    } finally {
      clearInterval(poll);
      bullSignal?.removeEventListener("abort", onBullAbort);
      running.delete(data.jobId);
    }
  };

  const worker = new Worker<unknown, RunJobOutcome>(opts.queueName, processor, {
    connection: opts.connection,
    concurrency: 1,
    lockDuration: opts.lockDurationMs ?? 60_000,
    stalledInterval: opts.stalledIntervalMs ?? 30_000,
    maxStalledCount: opts.maxStalledCount ?? 2,
  });
  worker.on("error", (err) => logger.error({ err }, "worker error"));
  worker.on("failed", (job, err) => {
    logger.error({ jobId: job?.id, err: err.message }, "job failed");
    // A job that never reached runJob's own conclusion (stalled too often, invalid) must not leave its check hanging.
    if (job && /stalled|invalid benchmark job/.test(err.message))
      void concludeAbandoned(job.data, err.message);
  });

  async function concludeAbandoned(raw: unknown, why: string): Promise<void> {
    const parsed = BenchmarkJob.safeParse(raw);
    if (!parsed.success) return;
    try {
      const publisher = await deps.createPublisher(
        parsed.data,
        `${deps.workDir}/runs/${parsed.data.jobId}`,
      );
      const reason = `the job was abandoned: ${why}`;
      await publisher.completeCheck({
        conclusion: "failure",
        title: "Run abandoned",
        summary: renderSummary({
          conclusion: "failure",
          reason,
          commit: parsed.data.commit.sha,
          verdict: null,
          runResult: null,
        }),
      });
    } catch (err) {
      logger.warn({ err }, "abandoned job's check run not concluded");
    }
  }

  return {
    worker,
    queue,
    async close() {
      if (closing) return;
      closing = true;
      for (const c of running.values()) c.abort(shutdownError());
      await worker.close();
      await queue.close();
    },
  };
}
