import { Job, type Queue } from "bullmq";
import type { ChainableCommander } from "ioredis";
import { parseBenchmarkJob, type BenchmarkJob } from "@mlxbench/proto";
import { QueueUnavailableError } from "../errors.js";
import { PULL_RECORD_TTL_SECONDS } from "./pull-request-runs.js";
import { callScript, defineScript, type LuaScript } from "./redis-scripts.js";

export const JOB_NAME = "benchmark";

const JOB_OPTIONS = {
  removeOnComplete: { age: 7 * 24 * 3600, count: 5000 },
  removeOnFail: { age: 30 * 24 * 3600 },
};

/**
 * Runs after BullMQ's add in the same MULTI: only if the job is really stored does it mark the
 * delivery done and attach the job (and its check run) to the pull request's record. A failed add
 * (even a NOSCRIPT after a SCRIPT FLUSH) therefore never acknowledges a delivery.
 * Returns { stored, attached, head sha }.
 */
export const SEAL_JOB: LuaScript = {
  name: "mlxbenchSealJob",
  lua: `
if redis.call('EXISTS', KEYS[1]) == 0 then return { 0, 0, '' } end
redis.call('SET', KEYS[2], 'done', 'EX', ARGV[1])
if ARGV[5] ~= '1' then return { 1, 1, '' } end
local raw = redis.call('GET', KEYS[3])
local ok, rec = false, nil
if raw then ok, rec = pcall(cjson.decode, raw) end
if not ok or type(rec) ~= 'table' or type(rec.jobs) ~= 'table' then return { 1, 0, '' } end
local e = rec.jobs[ARGV[2]]
if not e then return { 1, 0, rec.sha or '' } end
e.pending = nil
if ARGV[3] ~= '' then e.checkRunId = ARGV[3] end
redis.call('SET', KEYS[3], cjson.encode(rec), 'EX', ARGV[4])
return { 1, 1, rec.sha or '' }
`,
};

export interface CommitOptions {
  /** The delivery's dedupe key, set to "done" only together with the job. */
  deliveryKey: string;
  dedupeTtlSeconds: number;
  /** The pull request record the job was registered in, if any. */
  pullRecordKey?: string;
  timeoutMs: number;
}

export interface CommitResult {
  /** A job with this id existed before: this delivery's check run is not the job's. */
  duplicate: boolean;
  /** False when a newer push superseded the job while it was being queued. */
  attached: boolean;
  /** The pull request's head when the job was sealed. */
  headSha: string;
}

/**
 * Adds the job, marks the delivery done and attaches the job to its pull request in one MULTI:
 * one round trip, and either all of it is stored or none of the acknowledgement is.
 */
export async function commitJob(
  queue: Queue,
  job: BenchmarkJob,
  options: CommitOptions,
): Promise<CommitResult> {
  const valid = parseBenchmarkJob(job);
  let timer: NodeJS.Timeout | undefined;
  const abandoned = { value: false };
  try {
    // The bound covers the connection too: BullMQ waits for a Redis that is down instead of failing.
    return await Promise.race([
      addAndSeal(queue, valid, options, abandoned),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          abandoned.value = true;
          reject(new Error(`queueing took over ${options.timeoutMs} ms`));
        }, options.timeoutMs);
      }),
    ]);
  } catch (err) {
    throw new QueueUnavailableError(`could not enqueue job ${job.jobId}`, { cause: err });
  } finally {
    clearTimeout(timer);
  }
}

async function addAndSeal(
  queue: Queue,
  job: BenchmarkJob,
  options: CommitOptions,
  abandoned: { value: boolean },
): Promise<CommitResult> {
  const client = await queue.client;
  // Given up on already (503 answered, check run concluded): a late connection must not store it.
  if (abandoned.value) throw new Error("abandoned before sending");
  defineScript(client, SEAL_JOB);
  const jobKey = queue.toKey(job.jobId);
  const tx = client.multi();
  (tx as unknown as ChainableCommander).exists(jobKey);
  void new Job(queue, JOB_NAME, job, JOB_OPTIONS, job.jobId).addJob(tx);
  void callScript(
    tx,
    SEAL_JOB,
    [jobKey, options.deliveryKey, options.pullRecordKey ?? options.deliveryKey],
    [
      options.dedupeTtlSeconds,
      job.jobId,
      job.checkRunId === undefined ? "" : String(job.checkRunId),
      PULL_RECORD_TTL_SECONDS,
      options.pullRecordKey === undefined ? "0" : "1",
    ],
  );
  const results = (await tx.exec()) as Array<[Error | null, unknown]> | null;
  if (results === null) throw new Error("transaction discarded");
  const failed = results.find(([err]) => err !== null)?.[0];
  if (failed) throw failed;
  const [[, existed], [, added], [, sealed]] = results as [
    [null, number],
    [null, unknown],
    [null, [number, number, string]],
  ];
  if (typeof added === "number" && added < 0) throw new Error(`BullMQ refused the job (${added})`);
  if (sealed[0] !== 1) throw new Error(`job ${job.jobId} was not stored`);
  return { duplicate: existed === 1, attached: sealed[1] === 1, headSha: sealed[2] };
}
