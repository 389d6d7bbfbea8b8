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
local rec = decode(redis.call('GET', KEYS[1]))
local recTs = tonumber(rec.updatedAt) or 0
if recTs > ts and (mode == 'push' or rec.sha ~= sha) then return { 'stale', rec.sha } end
local function live(id, e)
  if e.pending then return now - (tonumber(e.pending) or 0) < pendingMs end
  local jobKey = jobPrefix .. id
  return redis.call('EXISTS', jobKey) == 1 and redis.call('HEXISTS', jobKey, 'finishedOn') == 0
end
for id, e in pairs(rec.jobs) do
  if id ~= jobId and not live(id, e) then rec.jobs[id] = nil end
end
if mode == 'push' then
  for id, e in pairs(rec.jobs) do
    if id ~= jobId and e.sha == sha then return { 'running', id } end
  end
end
local out = { 'started' }
for id, e in pairs(rec.jobs) do
  if e.sha ~= sha then
    redis.call('SET', cancelPrefix .. id, note, 'EX', cancelTtl)
    out[#out + 1] = cjson.encode({ jobId = id, sha = e.sha, trigger = e.trigger, checkRunId = e.checkRunId })
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
  };
  return {
    jobId: e.jobId,
    sha: e.sha,
    trigger: e.trigger,
    ...(e.checkRunId === undefined ? {} : { checkRunId: Number(e.checkRunId) }),
  };
}

/** What the seal step needs to attach a job to its pull request's record. */

/** The record as stored, for tests and diagnostics. */
export interface PullRequestRuns {
  sha: string;
  updatedAt: string;
  jobs: Record<string, { sha: string; trigger: string; checkRunId?: string; pending?: string }>;
}

export async function readPullRequestRuns(
  redis: Redis,
  key: string,
): Promise<PullRequestRuns | undefined> {
  const raw = await redis.get(key);
  return raw === null ? undefined : (JSON.parse(raw) as PullRequestRuns);
}
