import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  archiveRun,
  archiveRunDurably,
  checkKey,
  createLocalArchiveStore,
  createS3ArchiveStore,
  createS3Client,
  flushSpool,
  indexKey,
  invertTimestamp,
  listBaselineCandidates,
  listRuns,
  loadRun,
  readBaselinePointer,
  type ArchiveRunInput,
  type ArchiveStore,
} from "./index.js";
import {
  sampleRunResult,
  sampleVerdict,
  S3RVER_CREDENTIALS,
  startTestS3,
  type TestS3,
} from "./test-support.js";

const REPO = "octo/hello";
let s3: TestS3;
let tmp: string;

beforeAll(async () => {
  s3 = await startTestS3();
  tmp = await mkdtemp(join(tmpdir(), "archive-test-"));
});
afterAll(async () => {
  await s3.close();
  await rm(tmp, { recursive: true, force: true });
});

function runInput(
  runId: string,
  finishedAt: string,
  extra: Partial<ArchiveRunInput["meta"]> = {},
): ArchiveRunInput {
  const commit = extra.commit ?? "c".repeat(40);
  return {
    meta: {
      runId,
      repository: REPO,
      private: false,
      commit,
      branch: "main",
      defaultBranch: "main",
      trigger: "push",
      requestedBy: "octocat",
      startedAt: "2026-01-01T00:00:00.000Z",
      finishedAt,
      durationMs: 1000,
      conclusion: "success",
      reason: "no regression",
      fingerprint: sampleRunResult().fingerprint,
      ...extra,
    },
    runResult: sampleRunResult({ runId, commit, finishedAt }),
    verdict: sampleVerdict(),
    summaryMarkdown: "# summary\n",
    artifacts: [
      { path: "comprehensive/latency.png", body: new Uint8Array([0x89, 0x50, 0x4e, 0x47]) },
      { path: "logs/cluster-distributed.log", body: "started\n" },
      { path: "executive_summary.md", body: "# exec\n" },
    ],
    isBaseline: (extra.branch ?? "main") === "main",
  };
}

const stores: [string, () => Promise<ArchiveStore>][] = [
  ["local directory", async () => createLocalArchiveStore(await mkdtemp(join(tmp, "local-")))],
  [
    "S3 (s3rver)",
    () =>
      Promise.resolve(
        createS3ArchiveStore({
          client: s3.client,
          bucket: s3.bucket,
          prefix: `t-${Math.random().toString(36).slice(2)}`,
        }),
      ),
  ],
];

describe.each(stores)("archive on %s", (_name, makeStore) => {
  it("stores every object with its content type and lists runs newest first", async () => {
    const store = await makeStore();
    await archiveRun(store, runInput("run-old", "2026-01-01T00:01:00.000Z"));
    await archiveRun(
      store,
      runInput("run-new", "2026-01-02T00:01:00.000Z", { commit: "d".repeat(40) }),
    );
    await archiveRun(
      store,
      runInput("run-pr", "2026-01-03T00:01:00.000Z", {
        branch: "feature",
        pullRequest: 7,
        trigger: "pull_request",
        conclusion: "failure",
      }),
    );

    const png = await store.get("reports/octo/hello/runs/run-old/files/comprehensive/latency.png");
    expect(png?.contentType).toBe("image/png");
    expect(
      (await store.get("reports/octo/hello/runs/run-old/files/logs/cluster-distributed.log"))
        ?.contentType,
    ).toBe("text/plain; charset=utf-8");
    expect((await store.get("reports/octo/hello/runs/run-old/summary.md"))?.contentType).toBe(
      "text/markdown; charset=utf-8",
    );
    expect((await store.get("reports/octo/hello/runs/run-old/run_result.json"))?.contentType).toBe(
      "application/json",
    );
    expect(await store.get("reports/octo/hello/runs/missing/meta.json")).toBeNull();

    const all = await listRuns(store, REPO);
    expect(all.map((m) => m.runId)).toEqual(["run-pr", "run-new", "run-old"]);
    expect((await listRuns(store, REPO, { pullRequest: 7 })).map((m) => m.runId)).toEqual([
      "run-pr",
    ]);
    expect((await listRuns(store, REPO, { branch: "main", limit: 1 })).map((m) => m.runId)).toEqual(
      ["run-new"],
    );
    expect((await listRuns(store, REPO, { conclusion: "failure" })).map((m) => m.runId)).toEqual([
      "run-pr",
    ]);

    const loaded = await loadRun(store, REPO, "run-old");
    expect(loaded?.meta.files).toContain("files/comprehensive/latency.png");
    expect(loaded?.meta.files).toContain("run_result.json");
    expect(loaded?.runResult?.runId).toBe("run-old");
    expect(loaded?.summaryMarkdown).toBe("# summary\n");
    expect(await loadRun(store, REPO, "nope")).toBeNull();

    expect(await readBaselinePointer(store, REPO, "d".repeat(40))).toBe("run-new");
    const candidates = await listBaselineCandidates(store, REPO, { defaultBranch: "main" });
    expect(candidates.map((c) => c.runId)).toEqual(["run-new", "run-old"]);
    expect((await candidates[0]?.loadResult())?.runId).toBe("run-new");
    // --compare: the runs of one commit, whatever their branch.
    const atCommit = await listBaselineCandidates(store, REPO, {
      defaultBranch: "main",
      commit: "c".repeat(40),
    });
    expect(atCommit.map((c) => c.runId)).toEqual(["run-pr", "run-old"]);
  });

  it("reads the archived verdict with proto's schema: a metric without a change loads, a non-verdict is named", async () => {
    const store = await makeStore();
    // One sample per metric in the baseline: no change, no evidence (nulls in verdict.json).
    const single = sampleRunResult({ runId: "one-sample", commit: "b".repeat(40) });
    const verdict = sampleVerdict(sampleRunResult({ runId: "run-nan" }), {
      ...single,
      metrics: single.metrics.map((m) => ({ ...m, samples: m.samples.slice(0, 1) })),
    });
    await archiveRun(store, { ...runInput("run-nan", "2026-01-01T00:01:00.000Z"), verdict });
    const loaded = await loadRun(store, REPO, "run-nan");
    expect(loaded?.verdict?.metrics.length).toBe(verdict.metrics.length);
    expect(loaded?.verdict?.metrics.map((m) => m.outcome)).toContain("insufficient_samples");

    await archiveRun(store, runInput("run-bad-verdict", "2026-01-01T00:02:00.000Z"));
    await store.put(
      "reports/octo/hello/runs/run-bad-verdict/verdict.json",
      JSON.stringify({ conclusion: "maybe" }),
      "application/json",
    );
    await expect(loadRun(store, REPO, "run-bad-verdict")).rejects.toThrow(
      /verdict\.json: not a verdict \(conclusion: /,
    );
  });

  it("reads artifacts from files on disk", async () => {
    const store = await makeStore();
    const file = join(tmp, `report-${Math.random()}.md`);
    await writeFile(file, "from disk");
    await archiveRun(store, {
      ...runInput("run-disk", "2026-01-01T00:01:00.000Z"),
      artifacts: [{ path: "comprehensive/report.md", file }],
    });
    expect(
      (
        await store.get("reports/octo/hello/runs/run-disk/files/comprehensive/report.md")
      )?.body.toString(),
    ).toBe("from disk");
  });
});

describe("archive keys", () => {
  it("inverts timestamps so that newer sorts first", () => {
    expect(invertTimestamp(0)).toBe("9999999999999");
    expect(invertTimestamp(2000) < invertTimestamp(1000)).toBe(true);
    expect(invertTimestamp(Date.parse("2026-01-01T00:00:00Z"))).toHaveLength(13);
  });

  it.each([
    ["", "invalid archive key"],
    ["/abs", "invalid archive key"],
    ["a/../b", "invalid archive key"],
    ["a//b", "invalid archive key"],
  ])("rejects the key %j", (key, message) => {
    expect(() => checkKey(key)).toThrow(message);
  });

  it.each<[string, number, string, string]>([
    ["octo/hello", 1, "a:b", 'run id "a:b"'],
    ["octo/hello/x", 1, "r", "must be owner/repo"],
    ["../x", 1, "r", 'owner ".."'],
    ["octo/hello", -1, "r", "outside the archive's time range"],
  ])("rejects index key parts %s %s %s", (repo, ts, runId, message) => {
    expect(() => indexKey(repo, ts, runId)).toThrow(message);
  });
});

describe("when S3 is down", () => {
  it("keeps the run in the spool and uploads it later", async () => {
    // A closed port: every request fails fast.
    const deadClient = createS3Client({
      endpoint: "http://127.0.0.1:9",
      credentials: S3RVER_CREDENTIALS,
      maxAttempts: 1,
    });
    const dead = createS3ArchiveStore({ client: deadClient, bucket: s3.bucket });
    const spoolDir = await mkdtemp(join(tmp, "spool-"));
    const attempts: number[] = [];
    const outcome = await archiveRunDurably(runInput("run-spooled", "2026-02-01T00:00:00.000Z"), {
      store: dead,
      spoolDir,
      retry: { attempts: 3, baseDelayMs: 1, onRetry: (_e, n) => attempts.push(n) },
    });
    deadClient.destroy();
    expect(outcome.where).toBe("spool");
    // Each object was tried 3 times (attempts 1 and 2 failed and were retried).
    expect(Math.max(...attempts)).toBe(2);
    expect(await readdir(spoolDir)).toEqual(["run-spooled"]);

    const live = createS3ArchiveStore({
      client: s3.client,
      bucket: s3.bucket,
      prefix: "spool-target",
    });
    const flushed = await flushSpool(spoolDir, live);
    expect(flushed.uploaded).toEqual(["run-spooled"]);
    expect(flushed.failed).toEqual([]);
    expect(await readdir(spoolDir)).toEqual([]);
    expect((await listRuns(live, REPO)).map((m) => m.runId)).toEqual(["run-spooled"]);
    expect(
      (await live.get("reports/octo/hello/runs/run-spooled/files/comprehensive/latency.png"))
        ?.contentType,
    ).toBe("image/png");
  });

  it("leaves a run in the spool while the archive is still down", async () => {
    const spoolDir = await mkdtemp(join(tmp, "spool-"));
    await archiveRun(
      createLocalArchiveStore(join(spoolDir, "run-x")),
      runInput("run-x", "2026-02-01T00:00:00.000Z"),
    );
    const deadClient = createS3Client({
      endpoint: "http://127.0.0.1:9",
      credentials: S3RVER_CREDENTIALS,
      maxAttempts: 1,
    });
    const result = await flushSpool(
      spoolDir,
      createS3ArchiveStore({ client: deadClient, bucket: "b" }),
      { retry: { attempts: 1, baseDelayMs: 1 } },
    );
    deadClient.destroy();
    expect(result.failed.map((f) => f.runId)).toEqual(["run-x"]);
    expect(await readdir(spoolDir)).toEqual(["run-x"]);
  });
});
