// The pipeline's dependencies for a test on this machine: a local archive (or an S3 bucket, e.g.
// s3rver's), spool, work and clone folders under `tmp`, and the GitHub double as the App's API (or
// no App: the dry-run publisher).
import { join } from "node:path";
import type { Logger } from "pino";
import type { GitHubDouble } from "@mlxbench/sim/github";
import type { PipelineDeps } from "../src/pipeline/index.js";
import { createPipelineDeps, loadWorkerConfig } from "../src/queue/index.js";

export function createLocalDeps(
  tmp: string,
  logger: Logger,
  o: {
    gh?: GitHubDouble;
    /** Archive to this bucket instead of `tmp/archive`. */
    s3?: { bucket: string; endpoint: string; accessKeyId: string; secretAccessKey: string };
    logLevel?: string;
    options?: Parameters<typeof createPipelineDeps>[2];
  } = {},
): PipelineDeps {
  const github = o.gh
    ? {
        GITHUB_APP_ID: String(o.gh.appId),
        GITHUB_PRIVATE_KEY: o.gh.privateKey,
        GITHUB_API_URL: o.gh.url,
        GITHUB_RETRIES: "0",
        PUBLIC_URL: "https://mlxbench.example.com",
      }
    : {};
  return createPipelineDeps(
    loadWorkerConfig({
      ...(o.s3
        ? {
            ARCHIVE_BUCKET: o.s3.bucket,
            S3_ENDPOINT: o.s3.endpoint,
            AWS_ACCESS_KEY_ID: o.s3.accessKeyId,
            AWS_SECRET_ACCESS_KEY: o.s3.secretAccessKey,
          }
        : { ARCHIVE_DIR: join(tmp, "archive") }),
      SPOOL_DIR: join(tmp, "spool"),
      WORK_DIR: join(tmp, "work"),
      CLONE_CACHE_DIR: join(tmp, "clones"),
      CLUSTER_STATE_FILE: join(tmp, "groups.json"),
      LOG_LEVEL: o.logLevel ?? "silent",
      ...github,
    }),
    logger,
    o.options,
  );
}
