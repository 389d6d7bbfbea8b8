import type { Redis } from "ioredis";
import { callScript, defineScript, type LuaScript } from "./redis-scripts.js";

/**
 * The runs of one pull request, kept in one Redis key and changed only by Lua scripts, so two
 * deliveries for the same PR at once cannot both read the old state and overwrite each other:
 * { sha, updatedAt, jobs: { [jobId]: { sha, trigger, checkRunId?, pending? } } }.
 * `sha`/`updatedAt` are the newest head seen (GitHub's pull_request.updated_at, in ms);
 * `pending` marks a job registered but not yet in BullMQ (the ms it was registered).
 */
export const pullRequestRunsKey = (prefix: string, repo: string, pr: number): string =>
  `${prefix}pull:${repo}#${pr}`;

export const PULL_RECORD_TTL_SECONDS = 30 * 24 * 3600;
/** A registration older than this that never reached BullMQ belongs to a delivery that died. */
export const PENDING_MS = 120_000;
const CANCEL_TTL_SECONDS = 24 * 3600;

export interface SupersededRun {
  jobId: string;
  sha: string;
  trigger: string;
  checkRunId?: number;
  /** The runner pool whose queue holds the job; absent: the single QUEUE_NAME queue. */
  pool?: string;
}

/** A job of a runner pool registered with its run: its id, pool and that queue's key prefix. */
export interface PoolJobEntry {
  id: string;
  pool: string;
  /** queueFor(pool).toKey(""), to tell the job live from finished. */
  jobKeyPrefix: string;
}

export type RegisterResult =
  | { kind: "started"; superseded: SupersededRun[] }
  /** A newer head is already recorded: this delivery or command is about an older commit. */
  | { kind: "stale"; headSha: string }
  /** The same commit already has a live job. */
  | { kind: "running"; jobId: string };

export interface RegisterInput {
  key: string;
  sha: string;
  /** pull_request.updated_at of what this delivery saw, in ms. */
  updatedAt: number;
  /** Absent when the head moves without a job (a fork's push waits for /benchmark). */
  jobId?: string;
  trigger: string;
  /**
   * "push": the pull request's own event: stale when the recorded state is newer, skipped when its
   * commit already has a live job. "command": a user's explicit request: stale only when the head
   * recorded since is another commit, and never skipped.
   */
  mode: "push" | "command";
  now: number;
  /** BullMQ's key prefix of this queue's jobs (queue.toKey("")), to tell live jobs from finished. */
  jobKeyPrefix: string;
  /** jobCancelKey("", KEY_PREFIX): superseded jobs get their cancel key in the same step. */
  cancelKeyPrefix: string;
  cancelNote: string;
  /** The jobs of a run on runner pools (one per pool), registered together instead of `jobId`. */
  poolJobs?: PoolJobEntry[];
}

const DECODE = `
local function decode(raw)
  if raw then
    local ok, v = pcall(cjson.decode, raw)
    if ok and type(v) == 'table' and type(v.jobs) == 'table' then return v end
  end
  return { sha = '', updatedAt = '0', jobs = {} }
end
`;

export const REGISTER_PULL_RUN: LuaScript = {
  name: "mlxbenchRegisterPullRun",
  lua: `${DECODE}
local sha, ts, jobId, trigger, mode = ARGV[1], tonumber(ARGV[2]), ARGV[3], ARGV[4], ARGV[5]
local now, pendingMs, jobPrefix, cancelPrefix, note = tonumber(ARGV[6]), tonumber(ARGV[7]), ARGV[8], ARGV[9], ARGV[10]
local ttl, cancelTtl = ARGV[11], ARGV[12]
local poolJobs = cjson.decode(ARGV[13])
local mine = {}
if jobId ~= '' then mine[jobId] = true end
for _, p in ipairs(poolJobs) do mine[p.id] = true end
local rec = decode(redis.call('GET', KEYS[1]))
local recTs = tonumber(rec.updatedAt) or 0
if recTs > ts and (mode == 'push' or rec.sha ~= sha) then return { 'stale', rec.sha } end
local function live(id, e)
  if e.pending then return now - (tonumber(e.pending) or 0) < pendingMs end
  local jobKey = (e.jp or jobPrefix) .. id
  return redis.call('EXISTS', jobKey) == 1 and redis.call('HEXISTS', jobKey, 'finishedOn') == 0
end
for id, e in pairs(rec.jobs) do
  if not mine[id] and not live(id, e) then rec.jobs[id] = nil end
end
if mode == 'push' then
  for id, e in pairs(rec.jobs) do
    if not mine[id] and e.sha == sha then return { 'running', id } end
  end
end
local out = { 'started' }
for id, e in pairs(rec.jobs) do
  if e.sha ~= sha then
    redis.call('SET', cancelPrefix .. id, note, 'EX', cancelTtl)
    out[#out + 1] = cjson.encode({ jobId = id, sha = e.sha, trigger = e.trigger, checkRunId = e.checkRunId, pool = e.pool })
    rec.jobs[id] = nil
  end
end
rec.sha = sha
if ts > recTs then rec.updatedAt = ARGV[2] end
if jobId ~= '' then
  local e = rec.jobs[jobId] or { sha = sha, trigger = trigger }
  if not e.checkRunId then e.pending = ARGV[6] end
  rec.jobs[jobId] = e
end
for _, p in ipairs(poolJobs) do
  if not rec.jobs[p.id] then
    rec.jobs[p.id] = { sha = sha, trigger = trigger, pool = p.pool, jp = p.jp, pending = ARGV[6] }
  end
end
redis.call('SET', KEYS[1], cjson.encode(rec), 'EX', ttl)
return out
`,
};

/**
 * Records a run of the pull request and supersedes, in the same atomic step, every live job of
 * another commit: its entry leaves the record and its cancel key is set (the worker stops an
 * active job on it; a job still being queued by another delivery removes itself when it seals).
 */
export async function registerPullRequestRun(
  redis: Redis,
  input: RegisterInput,
): Promise<RegisterResult> {
  defineScript(redis, REGISTER_PULL_RUN);
  const reply = (await callScript(
    redis,
    REGISTER_PULL_RUN,
    [input.key],
    [
      input.sha,
      input.updatedAt,
      input.jobId ?? "",
      input.trigger,
      input.mode,
      input.now,
      PENDING_MS,
      input.jobKeyPrefix,
      input.cancelKeyPrefix,
      input.cancelNote,
      PULL_RECORD_TTL_SECONDS,
      CANCEL_TTL_SECONDS,
      JSON.stringify(
        (input.poolJobs ?? []).map((p) => ({ id: p.id, pool: p.pool, jp: p.jobKeyPrefix })),
      ),
    ],
  )) as string[];
  const [kind, ...rest] = reply;
  if (kind === "stale") return { kind, headSha: rest[0] ?? "" };
  if (kind === "running") return { kind, jobId: rest[0] ?? "" };
  return { kind: "started", superseded: rest.map(parseSuperseded) };
}

function parseSuperseded(json: string): SupersededRun {
  const e = JSON.parse(json) as {
    jobId: string;
    sha: string;
    trigger: string;
    checkRunId?: string;
    pool?: string;
  };
  return {
    jobId: e.jobId,
    sha: e.sha,
    trigger: e.trigger,
    ...(e.checkRunId === undefined ? {} : { checkRunId: Number(e.checkRunId) }),
    ...(e.pool === undefined ? {} : { pool: e.pool }),
  };
}

/** What the seal step needs to attach a job to its pull request's record. */

/** The record as stored, for tests and diagnostics. */
export interface PullRequestRuns {
  sha: string;
  updatedAt: string;
  jobs: Record<
    string,
    { sha: string; trigger: string; checkRunId?: string; pending?: string; pool?: string }
  >;
}

export async function readPullRequestRuns(
  redis: Redis,
  key: string,
): Promise<PullRequestRuns | undefined> {
  const raw = await redis.get(key);
  return raw === null ? undefined : (JSON.parse(raw) as PullRequestRuns);
}

const ATTACH_POOL_JOBS: LuaScript = {
  name: "mlxbenchAttachPoolJobs",
  lua: `${DECODE}
local rec = decode(redis.call('GET', KEYS[1]))
local attached = 0
for _, a in ipairs(cjson.decode(ARGV[1])) do
  local e = rec.jobs[a.id]
  if e then
    e.pending = nil
    if a.checkRunId then e.checkRunId = tostring(a.checkRunId) end
    attached = attached + 1
  end
end
if attached > 0 then redis.call('SET', KEYS[1], cjson.encode(rec), 'EX', ARGV[2]) end
return rec.sha
`,
};

/**
 * Marks a run's pool jobs as stored in BullMQ (no longer pending) with their check runs; a job a
 * newer push superseded meanwhile is gone from the record and stops on its cancel key. Returns
 * the pull request's head sha.
 */
export async function attachPoolJobs(
  redis: Redis,
  key: string,
  jobs: Array<{ id: string; checkRunId?: number }>,
): Promise<string> {
  defineScript(redis, ATTACH_POOL_JOBS);
  const sha = await callScript(
    redis,
    ATTACH_POOL_JOBS,
    [key],
    [JSON.stringify(jobs), PULL_RECORD_TTL_SECONDS],
  );
  return String(sha);
}
