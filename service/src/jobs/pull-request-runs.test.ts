import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { jobCancelKey } from "@mlxbench/proto";
import {
  PENDING_MS,
  readPullRequestRuns,
  registerPullRequestRun,
  type RegisterInput,
} from "./pull-request-runs.js";

const redis = new Redis({ lazyConnect: false });
const prefix = `test-${randomUUID()}:`;
afterEach(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
});
afterAll(() => redis.disconnect());

const key = `${prefix}pull:o/r#1`;
const base = (over: Partial<RegisterInput>): RegisterInput => ({
  key,
  sha: "a".repeat(40),
  updatedAt: 1000,
  jobId: "job-a",
  trigger: "pull_request",
  mode: "push",
  now: 50_000,
  jobKeyPrefix: `${prefix}bull:`,
  cancelKeyPrefix: jobCancelKey("", prefix),
  cancelNote: "Superseded by a newer push (bbbbbbb).",
  ...over,
});
const sha = (c: string) => c.repeat(40);

describe("registerPullRequestRun", () => {
  it("supersedes another commit's run: out of the record, cancel key set, returned with its check run", async () => {
    await registerPullRequestRun(redis, base({}));
    // Attach a check run as the seal step would.
    const rec = await readPullRequestRuns(redis, key);
    const entry = rec?.jobs["job-a"];
    expect(entry?.pending).toBe("50000");
    const res = await registerPullRequestRun(
      redis,
      base({ sha: sha("b"), updatedAt: 2000, jobId: "job-b" }),
    );
    expect(res).toEqual({
      kind: "started",
      superseded: [{ jobId: "job-a", sha: sha("a"), trigger: "pull_request" }],
    });
    expect(await redis.get(jobCancelKey("job-a", prefix))).toBe(
      "Superseded by a newer push (bbbbbbb).",
    );
    const after = await readPullRequestRuns(redis, key);
    expect(after?.sha).toBe(sha("b"));
    expect(Object.keys(after?.jobs ?? {})).toEqual(["job-b"]);
  });

  it("answers stale to an older push, whatever its commit, and changes nothing", async () => {
    await registerPullRequestRun(redis, base({ sha: sha("b"), updatedAt: 2000, jobId: "job-b" }));
    for (const s of [sha("a"), sha("b")]) {
      expect(
        await registerPullRequestRun(redis, base({ sha: s, updatedAt: 1000, jobId: "late" })),
      ).toEqual({ kind: "stale", headSha: sha("b") });
    }
    expect(Object.keys((await readPullRequestRuns(redis, key))?.jobs ?? {})).toEqual(["job-b"]);
  });

  it("a command is stale only against another commit recorded later", async () => {
    await registerPullRequestRun(redis, base({ sha: sha("b"), updatedAt: 2000, jobId: "job-b" }));
    const same = await registerPullRequestRun(
      redis,
      base({ sha: sha("b"), updatedAt: 1500, jobId: "cmd-1", trigger: "comment", mode: "command" }),
    );
    expect(same).toEqual({ kind: "started", superseded: [] });
    const older = await registerPullRequestRun(
      redis,
      base({ sha: sha("a"), updatedAt: 1500, jobId: "cmd-2", trigger: "comment", mode: "command" }),
    );
    expect(older).toEqual({ kind: "stale", headSha: sha("b") });
  });

  it("skips a push whose commit is already registered, until that registration expires", async () => {
    await registerPullRequestRun(redis, base({}));
    expect(await registerPullRequestRun(redis, base({ updatedAt: 1500, jobId: "job-a2" }))).toEqual(
      { kind: "running", jobId: "job-a" },
    );
    // The same delivery again (its redelivery) is not blocked by its own registration.
    expect(await registerPullRequestRun(redis, base({ updatedAt: 1500 }))).toMatchObject({
      kind: "started",
    });
    const later = base({ updatedAt: 1600, jobId: "job-a3", now: 50_000 + PENDING_MS + 1 });
    expect(await registerPullRequestRun(redis, later)).toMatchObject({ kind: "started" });
  });

  it("treats a record it cannot read as empty", async () => {
    await redis.set(key, "{not json");
    expect(await registerPullRequestRun(redis, base({}))).toEqual({
      kind: "started",
      superseded: [],
    });
  });
});
