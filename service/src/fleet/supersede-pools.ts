import type { Redis } from "ioredis";
import { fleetPullKey, jobCancelKey } from "@mlxbench/proto";

export interface PoolJobRef {
  id: string;
  label: string;
}

/**
 * Registers a pull request's new jobs and, when its head moved, retires every job of the older
 * head in every pool: in one script, so two pushes racing cannot both keep their jobs. Sets the
 * old jobs' cancel keys (the worker stops an active one) and returns them for removal.
 */
const REGISTER = `
local raw = redis.call('GET', KEYS[1])
local rec = nil
if raw then
  local ok, r = pcall(cjson.decode, raw)
  if ok and type(r) == 'table' then rec = r end
end
local incoming = cjson.decode(ARGV[2])
local retired = {}
if rec and rec.sha ~= ARGV[1] then
  for _, j in ipairs(rec.jobs or {}) do
    redis.call('SET', ARGV[3] .. j.id, ARGV[4], 'EX', ARGV[5])
    table.insert(retired, j)
  end
  rec = nil
end
if not rec then rec = { sha = ARGV[1], jobs = {} } end
local have = {}
for _, j in ipairs(rec.jobs) do have[j.id] = true end
for _, j in ipairs(incoming) do
  if not have[j.id] then table.insert(rec.jobs, j) end
end
redis.call('SET', KEYS[1], cjson.encode(rec), 'EX', ARGV[5])
if #retired == 0 then return '[]' end
return cjson.encode(retired)
`;

export async function registerPullJobs(opts: {
  redis: Redis;
  keyPrefix: string;
  repo: string;
  number: number;
  sha: string;
  jobs: PoolJobRef[];
  ttlSeconds?: number;
}): Promise<PoolJobRef[]> {
  const cancelPrefix = jobCancelKey("", opts.keyPrefix);
  const out = await opts.redis.eval(
    REGISTER,
    1,
    fleetPullKey(opts.keyPrefix, opts.repo, opts.number),
    opts.sha,
    JSON.stringify(opts.jobs),
    cancelPrefix,
    `superseded by ${opts.sha.slice(0, 7)}`,
    opts.ttlSeconds ?? 14 * 24 * 3600,
  );
  return JSON.parse(String(out)) as PoolJobRef[];
}
