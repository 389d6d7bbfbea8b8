import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RunResult } from "@mlxbench/proto";
import { chooseBaseline, computeVerdict, parseVerdictConfig } from "@mlxbench/verdict";
import { archiveRun } from "../archive-run.js";
import { indexKey } from "../archive-keys.js";
import type { ArchiveStore } from "../archive-store.js";
import { listBaselineCandidates } from "../baseline-candidates.js";
import { listRuns } from "../list-runs.js";
import { loadRun, readBaselinePointer } from "../load-run.js";
import { createLocalArchiveStore } from "../local-archive-store.js";
import { createS3ArchiveStore } from "../s3-archive-store.js";
import { sampleRunResult, sampleVerdict, startTestS3, type TestS3 } from "../test-support.js";
import { commitId, corpusDataJs } from "./benchmark-data-fixture.js";
import { parseBenchmarkData } from "./parse-benchmark-data.js";
import { planArchiveImport } from "./plan-archive-import.js";
import { planBenchmarkImport } from "./plan-benchmark-import.js";
import { writeImportPlan } from "./write-import-plan.js";

const REPO = "octo/hello";
let dir: string;
let store: ArchiveStore;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "history-import-"));
  store = createLocalArchiveStore(dir);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Two real kasane series (ns/iter) under our end-to-end latency key and an imported one. */
function kasanePlan(points: number, fingerprint = sampleRunResult().fingerprint) {
  const { text, series } = corpusDataJs("kasane", 2, points);
  const data = parseBenchmarkData(text, "data.js");
  const plan = planBenchmarkImport(data, {
    repository: REPO,
    defaultBranch: "main",
    fingerprint,
    metrics: [{ from: "element_construct/plugins_0", key: "inference.e2e_ms" }],
    directions: [],
    private: false,
    source: "data.js",
  });
  return { plan, series };
}

async function allKeys(s: ArchiveStore): Promise<string[]> {
  return s.list("reports/");
}

describe("writeImportPlan", () => {
  it("gives the verdict a baseline and a measured run-to-run noise where there was none", async () => {
    const points = 40;
    const { plan, series } = kasanePlan(points);
    const progress: number[] = [];
    const outcome = await writeImportPlan(store, plan, {
      onProgress: (p) => progress.push(p.done),
    });
    expect(outcome).toMatchObject({ imported: points, skippedExisting: 0, skippedCommitHasRun: 0 });
    expect(progress).toEqual(Array.from({ length: points }, (_, i) => i + 1));

    const lastCommit = commitId(points - 1);
    const level = series[0]?.values[points - 1] ?? 0;
    // A PR run of our cluster: same fingerprint, end-to-end latency around the history's last level.
    const base = sampleRunResult({ runId: "pr-1", finishedAt: "2099-01-01T00:01:00.000Z" });
    const current: RunResult = {
      ...base,
      startedAt: "2099-01-01T00:00:00.000Z",
      metrics: base.metrics
        .filter((m) => m.key === "inference.e2e_ms")
        .map((m) => ({ ...m, samples: m.samples.map((v) => (v / 100) * level) })),
    };
    const candidates = await listBaselineCandidates(store, REPO, {
      defaultBranch: "main",
      limit: 200,
    });
    expect(candidates).toHaveLength(points);
    const choice = chooseBaseline({
      current,
      candidates,
      defaultBranch: "main",
      mergeBase: lastCommit,
    });
    expect(choice).toMatchObject({ found: true, rule: "merge_base" });
    if (!choice.found) return;
    const config = parseVerdictConfig({});
    const history = await Promise.all(candidates.map((c) => c.loadResult()));
    const verdict = computeVerdict(current, await choice.baseline.loadResult(), history, config);
    const e2e = verdict.metrics.find((m) => m.key === "inference.e2e_ms");
    expect(verdict.baseline?.commit).toBe(lastCommit);
    expect(e2e?.evidence?.runNoiseAssumed).toBe(false);
    expect(e2e?.evidence?.historyRuns).toBeGreaterThan(2);
    // The namespaced bench is in the baseline only, and not gated: no "missing" problem.
    expect(verdict.kind).not.toBe("invalid_input");

    // Without the import the same run has nothing to stand on.
    const empty = createLocalArchiveStore(join(dir, "empty"));
    expect(await listBaselineCandidates(empty, REPO, { defaultBranch: "main" })).toEqual([]);
  });

  it("adds nothing when run twice, and rewrites a run cut off before its index entry", async () => {
    const { plan } = kasanePlan(10);
    await writeImportPlan(store, plan);
    const before = await allKeys(store);
    const again = await writeImportPlan(store, plan);
    expect(again).toMatchObject({ imported: 0, skippedExisting: 10, skippedCommitHasRun: 0 });
    expect(await allKeys(store)).toEqual(before);

    // A crash after the documents, before the index entry: the next import completes it.
    const cut = plan.runs[3]?.input.meta;
    if (!cut) throw new Error("plan");
    await rm(join(dir, ...indexKey(REPO, Date.parse(cut.finishedAt), cut.runId).split("/")));
    const resumed = await writeImportPlan(store, plan);
    expect(resumed).toMatchObject({ imported: 1, skippedExisting: 9 });
    expect(resumed.importedRunIds).toEqual([cut.runId]);
    expect(await allKeys(store)).toEqual(before);
  });

  it("leaves a commit alone that already has a default-branch run of its own", async () => {
    const { plan } = kasanePlan(5);
    const commit = commitId(2);
    await archiveRun(store, {
      meta: {
        runId: "push-real-1",
        repository: REPO,
        private: false,
        commit,
        branch: "main",
        defaultBranch: "main",
        trigger: "push",
        requestedBy: "octocat",
        startedAt: "2026-01-01T00:00:00.000Z",
        finishedAt: "2026-01-01T00:01:00.000Z",
        durationMs: 60_000,
        conclusion: "success",
        reason: "ok",
        fingerprint: sampleRunResult().fingerprint,
      },
      runResult: sampleRunResult({ runId: "push-real-1", commit }),
      verdict: null,
      summaryMarkdown: "real",
      artifacts: [],
      isBaseline: true,
    });
    const outcome = await writeImportPlan(store, plan);
    expect(outcome).toMatchObject({ imported: 4, skippedCommitHasRun: 1 });
    expect(await readBaselinePointer(store, REPO, commit)).toBe("push-real-1");
  });
});

describe("planArchiveImport", () => {
  it("copies another archive's default-branch runs with their files, not its PR runs", async () => {
    const sourceDir = join(dir, "old");
    const source = createLocalArchiveStore(sourceDir);
    const fp = sampleRunResult().fingerprint;
    const write = (runId: string, i: number, pr?: number) =>
      archiveRun(source, {
        meta: {
          runId,
          repository: "octo/old-name",
          private: false,
          commit: commitId(i),
          branch: "main",
          defaultBranch: "main",
          ...(pr !== undefined ? { pullRequest: pr } : {}),
          trigger: pr !== undefined ? "pull_request" : "push",
          requestedBy: "octocat",
          startedAt: new Date(Date.UTC(2026, 0, 1 + i)).toISOString(),
          finishedAt: new Date(Date.UTC(2026, 0, 1 + i, 0, 1)).toISOString(),
          durationMs: 60_000,
          conclusion: "success",
          reason: "no regression",
          fingerprint: fp,
        },
        runResult: sampleRunResult({ runId, commit: commitId(i), scale: 1 + (i % 2) * 0.02 }),
        verdict: sampleVerdict(),
        summaryMarkdown: `run ${runId}`,
        artifacts: [{ path: "logs/suite.log", body: `log of ${runId}` }],
        isBaseline: pr === undefined,
      });
    for (let i = 0; i < 6; i++) await write(`push-${i}`, i);
    await write("pr-7", 7, 7);

    const target = createLocalArchiveStore(join(dir, "new"));
    const options = {
      sourceDir,
      sourceRepository: "octo/old-name",
      repository: REPO,
      defaultBranch: "main",
    };
    const plan = await planArchiveImport(options);
    expect(plan.runs.map((r) => r.input.meta.runId)).toEqual(
      [0, 1, 2, 3, 4, 5].map((i) => `push-${i}`),
    );
    const e2e = plan.metrics.find((m) => m.key === "inference.e2e_ms");
    expect(e2e?.points).toBe(6);
    // Medians alternate 2 % apart: |log(1.02)| each step → 1.4826·log(1.02)/√2 ≈ 2.1 %.
    expect(e2e?.noisePct).toBeCloseTo(
      (Math.exp((1.4826 * Math.log(1.02)) / Math.SQRT2) - 1) * 100,
      6,
    );

    expect(await writeImportPlan(target, plan)).toMatchObject({ imported: 6 });
    const copied = await loadRun(target, REPO, "push-3");
    expect(copied?.meta.repository).toBe(REPO);
    expect(copied?.runResult?.source.repository).toBe(REPO);
    expect(copied?.meta.files).toContain("files/logs/suite.log");
    expect(
      (await target.get(`reports/${REPO}/runs/push-3/files/logs/suite.log`))?.body.toString(),
    ).toBe("log of push-3");
    expect(await readBaselinePointer(target, REPO, commitId(3))).toBe("push-3");
    expect((await listRuns(target, REPO)).map((m) => m.runId)).not.toContain("pr-7");
    expect(await writeImportPlan(target, await planArchiveImport(options))).toMatchObject({
      imported: 0,
      skippedExisting: 6,
    });
  });

  it("names the repositories a source archive holds when it has none of the one asked for", async () => {
    const sourceDir = join(dir, "old");
    await archiveRun(createLocalArchiveStore(sourceDir), {
      meta: {
        runId: "push-1",
        repository: "octo/other",
        private: false,
        commit: commitId(1),
        branch: "main",
        defaultBranch: "main",
        trigger: "push",
        requestedBy: "octocat",
        startedAt: "2026-01-01T00:00:00.000Z",
        finishedAt: "2026-01-01T00:01:00.000Z",
        durationMs: 1,
        conclusion: "success",
        reason: "ok",
        fingerprint: sampleRunResult().fingerprint,
      },
      runResult: sampleRunResult({ runId: "push-1" }),
      verdict: null,
      summaryMarkdown: "",
      artifacts: [],
      isBaseline: true,
    });
    await expect(
      planArchiveImport({
        sourceDir,
        sourceRepository: REPO,
        repository: REPO,
        defaultBranch: "main",
      }),
    ).rejects.toThrow(
      /holds no main runs of octo\/hello with a result \(repositories there: octo\/other\)/,
    );
  });
});

describe("writeImportPlan on S3", () => {
  let s3: TestS3;
  beforeAll(async () => {
    s3 = await startTestS3();
  });
  afterAll(async () => {
    await s3.close();
  });

  it("writes the same keys to a bucket as to a directory", async () => {
    const { plan } = kasanePlan(6);
    const bucket = createS3ArchiveStore({ client: s3.client, bucket: s3.bucket });
    expect(await writeImportPlan(bucket, plan)).toMatchObject({ imported: 6 });
    await writeImportPlan(store, plan);
    expect(await allKeys(bucket)).toEqual(await allKeys(store));
    expect(await writeImportPlan(bucket, plan)).toMatchObject({ imported: 0, skippedExisting: 6 });
  });
});
