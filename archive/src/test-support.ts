// Test support (not exported from index.ts): s3rver in-process on a random port.
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import type { S3Client } from "@aws-sdk/client-s3";
import type { RunResult, Verdict } from "@mlxbench/proto";
import { computeVerdict, parseVerdictConfig } from "@mlxbench/verdict";
import { createS3Client } from "./s3-archive-store.js";

interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
type S3rverClass = new (options: Record<string, unknown>) => S3rverInstance;

export interface TestS3 {
  endpoint: string;
  port: number;
  directory: string;
  bucket: string;
  client: S3Client;
  /** A client with the SDK's retries off, for tests of our own retries. */
  clientNoRetry: S3Client;
  /** Stops the server but keeps its data, for startTestS3(bucket, { port, directory }). */
  stop(): Promise<void>;
  close(): Promise<void>;
}

/** s3rver's fixed credentials. */
export const S3RVER_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };

/** s3rver on a random port; pass `port` and `directory` of a stopped one to bring it back with its data. */
export async function startTestS3(
  bucket = "mlxbench-test",
  reuse: { port: number; directory: string } | null = null,
): Promise<TestS3> {
  const S3rver = createRequire(import.meta.url)("s3rver") as S3rverClass;
  const directory = reuse?.directory ?? (await mkdtemp(join(tmpdir(), "s3rver-")));
  const server = new S3rver({
    address: "127.0.0.1",
    port: reuse?.port ?? 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket, configs: [] }],
  });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const client = createS3Client({ endpoint, credentials: S3RVER_CREDENTIALS });
  const clientNoRetry = createS3Client({
    endpoint,
    credentials: S3RVER_CREDENTIALS,
    maxAttempts: 1,
  });
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await server.close();
  };
  return {
    endpoint,
    port,
    directory,
    bucket,
    client,
    clientNoRetry,
    stop,
    async close() {
      client.destroy();
      clientNoRetry.destroy();
      await stop();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/** A small valid RunResult for tests; `scale` multiplies latencies (1.3 = 30 % slower). */
export function sampleRunResult(
  overrides: { runId?: string; commit?: string; scale?: number; finishedAt?: string } = {},
): RunResult {
  const scale = overrides.scale ?? 1;
  const lat = [100, 102, 98, 101, 99, 103, 97, 100].map((x) => x * scale);
  const tps = [50, 51, 49, 50.5, 49.5, 50, 50.2, 49.8].map((x) => x / scale);
  const stats = (s: number[]) => {
    const sorted = [...s].sort((a, b) => a - b);
    const mean = s.reduce((a, b) => a + b, 0) / s.length;
    const q = (p: number) =>
      sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
    return {
      count: s.length,
      mean,
      min: sorted[0] ?? 0,
      max: sorted.at(-1) ?? 0,
      stddev: 1,
      p50: q(0.5),
      p90: q(0.9),
      p95: q(0.95),
      p99: q(0.99),
    };
  };
  return {
    schemaVersion: 1,
    runId: overrides.runId ?? "suite-run-1",
    startedAt: "2026-01-01T00:00:00.000Z",
    finishedAt: overrides.finishedAt ?? "2026-01-01T00:01:00.000Z",
    source: {
      repository: "octo/hello",
      commit: overrides.commit ?? "a".repeat(40),
      branch: "main",
    },
    fingerprint: {
      hardware: "reference-cluster",
      clusterMode: "distributed",
      deviceCount: 3,
      devices: ["mini1", "mini2", "master"],
      model: "m",
      suiteOptionsHash: "h1",
      suiteOptions: {},
      versions: { node: "v20" },
    },
    metrics: [
      {
        key: "inference.e2e_ms",
        component: "comprehensive",
        label: "End-to-end latency",
        unit: "ms",
        direction: "lower_is_better",
        samples: lat,
        stats: stats(lat),
        gated: true,
      },
      {
        key: "throughput.output_tokens_per_s",
        component: "comprehensive",
        label: "Output tokens/s",
        unit: "tokens/s",
        direction: "higher_is_better",
        samples: tps,
        stats: stats(tps),
        gated: true,
      },
    ],
    validation: { status: "PASS", criticalFailures: [], fixes: [] },
    components: [{ name: "comprehensive", status: "ok", durationMs: 1000, files: [] }],
    readiness: { verdict: "READY", blocking: [], warnings: [], greenLights: ["all good"] },
    warnings: [],
    exitCode: 0,
  };
}

// data.js fixtures in the real shape, from the real-noise corpus (history import tests).
export {
  buildDataJs,
  commitId,
  corpusDataJs,
  corpusSeries,
  type FixtureBench,
  type FixtureSuite,
} from "./import/benchmark-data-fixture.js";

/** A verdict as the worker makes it: `current` judged against `baseline` (no history). */
export function sampleVerdict(
  current: RunResult = sampleRunResult(),
  baseline: RunResult | null = sampleRunResult({ runId: "baseline-run", commit: "b".repeat(40) }),
): Verdict {
  return computeVerdict(current, baseline, [], parseVerdictConfig({}));
}
