import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  archiveRun,
  archiveRunDurably,
  createLocalArchiveStore,
  createS3ArchiveStore,
  createS3Client,
  encodeTagging,
  flushSpool,
  PR_RUN_TAGS,
  type ArchiveRunInput,
} from "./index.js";
import {
  sampleRunResult,
  sampleVerdict,
  S3RVER_CREDENTIALS,
  startTestS3,
  type TestS3,
} from "./test-support.js";

// s3rver ignores `x-amz-tagging` on PutObject (GetObjectTagging answers an empty set), so the
// test reads the header each PutObject request carried on the wire, after signing.
let s3: TestS3;
let tmp: string;
let client: S3Client;
const sent = new Map<string, string | undefined>();

beforeAll(async () => {
  s3 = await startTestS3();
  tmp = await mkdtemp(join(tmpdir(), "run-tags-test-"));
  client = createS3Client({ endpoint: s3.endpoint, credentials: S3RVER_CREDENTIALS });
  client.middlewareStack.add(
    (next) => async (args) => {
      const req = args.request as {
        method?: string;
        path?: string;
        headers?: Record<string, string>;
      };
      if (req.method === "PUT" && req.path) {
        sent.set(
          decodeURIComponent(req.path).replace(/^\/[^/]+\//, ""),
          req.headers?.["x-amz-tagging"],
        );
      }
      return next(args);
    },
    { step: "finalizeRequest", name: "recordTagging", priority: "low" },
  );
});
afterAll(async () => {
  client.destroy();
  await s3.close();
  await rm(tmp, { recursive: true, force: true });
});

function input(runId: string, pr: boolean): ArchiveRunInput {
  return {
    meta: {
      runId,
      repository: "octo/hello",
      private: false,
      commit: "c".repeat(40),
      branch: pr ? "pull/7" : "main",
      defaultBranch: "main",
      ...(pr ? { pullRequest: 7 } : {}),
      trigger: pr ? "pull_request" : "push",
      requestedBy: "octocat",
      startedAt: "2026-01-01T00:00:00.000Z",
      finishedAt: "2026-01-01T00:01:00.000Z",
      durationMs: 60_000,
      conclusion: "success",
      reason: "no regression",
    },
    runResult: sampleRunResult({ runId }),
    verdict: sampleVerdict(),
    summaryMarkdown: "# summary\n",
    artifacts: [{ path: "logs/suite.log", body: "ok\n" }],
    isBaseline: !pr,
  };
}

const TAG = encodeTagging(PR_RUN_TAGS);

describe("PR run tags", () => {
  it("encodes tags as S3's URL query form", () => {
    expect(TAG).toBe("mlxbench-run=pr");
    expect(encodeTagging({ "a b": "x&y=z", c: "ü" })).toBe("a%20b=x%26y%3Dz&c=%C3%BC");
  });

  it("tags every object of a PR run, its index entry included", async () => {
    sent.clear();
    const store = createS3ArchiveStore({ client, bucket: s3.bucket, prefix: "pr" });
    const run = await archiveRun(store, input("pr-run-1", true));
    expect(run.keys.some((k) => k.includes("/index/"))).toBe(true);
    for (const key of run.keys) expect(sent.get(`pr/${key}`), key).toBe(TAG);
    expect(sent.size).toBe(run.keys.length);
  });

  it("leaves a default-branch run and its baseline pointer untagged", async () => {
    sent.clear();
    const store = createS3ArchiveStore({ client, bucket: s3.bucket, prefix: "main" });
    const run = await archiveRun(store, input("main-run-1", false));
    expect(run.keys.some((k) => k.includes("/baselines/"))).toBe(true);
    for (const key of run.keys) expect(sent.get(`main/${key}`), key).toBeUndefined();
    expect(sent.size).toBe(run.keys.length);
  });

  it("restores the tags when a spooled PR run is uploaded later", async () => {
    const spoolDir = join(tmp, "spool");
    const down = createLocalArchiveStore(join(tmp, "file-not-dir", "x"));
    // A file where the archive directory should be: every put fails, the run goes to the spool.
    await writeFile(join(tmp, "file-not-dir"), "x");
    const outcome = await archiveRunDurably(input("pr-run-2", true), {
      store: down,
      spoolDir,
      retry: { attempts: 1, baseDelayMs: 1 },
    });
    expect(outcome.where).toBe("spool");
    sent.clear();
    const store = createS3ArchiveStore({ client, bucket: s3.bucket, prefix: "spooled" });
    const flushed = await flushSpool(spoolDir, store);
    expect(flushed.uploaded).toEqual(["pr-run-2"]);
    expect(sent.size).toBe(outcome.run.keys.length);
    for (const [key, tag] of sent) expect(tag, key).toBe(TAG);
  });
});
