import { resolve } from "node:path";
import type { Logger } from "pino";
import type { BenchmarkJob } from "@mlxbench/proto";
import {
  createLocalArchiveStore,
  createS3ArchiveStore,
  createS3Client,
  type ArchiveStore,
} from "@mlxbench/archive";
import {
  createDryRunPublisher,
  createGitHubPublisher,
  createInstallationOctokit,
} from "../github/index.js";
import { systemClock, type PipelineDeps } from "../pipeline/index.js";
import type { WorkerConfig } from "./load-worker-config.js";

/** The archive the config names: S3 when a bucket is set, else the local directory. */
export function createArchiveStore(config: WorkerConfig): ArchiveStore {
  if (!config.ARCHIVE_BUCKET) return createLocalArchiveStore(resolve(config.ARCHIVE_DIR));
  const credentials =
    config.AWS_ACCESS_KEY_ID && config.AWS_SECRET_ACCESS_KEY
      ? { accessKeyId: config.AWS_ACCESS_KEY_ID, secretAccessKey: config.AWS_SECRET_ACCESS_KEY }
      : undefined;
  const client = createS3Client({
    region: config.S3_REGION,
    ...(config.S3_ENDPOINT ? { endpoint: config.S3_ENDPOINT } : {}),
    ...(config.S3_FORCE_PATH_STYLE !== undefined
      ? { forcePathStyle: config.S3_FORCE_PATH_STYLE }
      : {}),
    ...(credentials ? { credentials } : {}),
  });
  return createS3ArchiveStore({
    client,
    bucket: config.ARCHIVE_BUCKET,
    ...(config.ARCHIVE_PREFIX ? { prefix: config.ARCHIVE_PREFIX } : {}),
  });
}

/** Wires the pipeline from the config: archive, publisher (GitHub App or dry run), directories. */
export function createPipelineDeps(
  config: WorkerConfig,
  logger: Logger,
  overrides: Partial<PipelineDeps> = {},
): PipelineDeps {
  const app =
    config.GITHUB_APP_ID !== undefined && config.GITHUB_PRIVATE_KEY !== undefined
      ? { appId: config.GITHUB_APP_ID, privateKey: config.GITHUB_PRIVATE_KEY }
      : null;
  const octokitFor = (job: BenchmarkJob) =>
    app
      ? createInstallationOctokit({
          ...app,
          installationId: job.installationId,
          ...(config.GITHUB_API_URL ? { baseUrl: config.GITHUB_API_URL } : {}),
          logger,
          retries: config.GITHUB_RETRIES,
          retryAfterBaseValue: config.GITHUB_RETRY_BASE_S,
        })
      : null;
  const publicUrl = config.PUBLIC_URL?.replace(/\/+$/, "");
  const clock = overrides.clock ?? systemClock;
  const now = (): Date => new Date(clock.now());
  return {
    store: createArchiveStore(config),
    spoolDir: resolve(config.SPOOL_DIR),
    workDir: resolve(config.WORK_DIR),
    cloneCacheDir: resolve(config.CLONE_CACHE_DIR),
    clusterStateFile: resolve(config.CLUSTER_STATE_FILE),
    checkName: config.CHECK_NAME,
    ...(publicUrl ? { publicUrl } : {}),
    ...(config.QUICKCHART_URL ? { quickChartUrl: config.QUICKCHART_URL.replace(/\/+$/, "") } : {}),
    logger,
    clock,
    ...(config.KEEP_RUN_DIRS ? { keepRunDirs: true } : {}),
    createPublisher(job, runDir) {
      const octokit = octokitFor(job);
      if (!octokit) return createDryRunPublisher(runDir, now);
      return createGitHubPublisher({
        octokit,
        job,
        checkName: config.CHECK_NAME,
        logger: logger.child({ jobId: job.jobId }),
        now,
        ...(publicUrl
          ? {
              detailsUrl: `${publicUrl}/reports/${job.repository.fullName}/runs/${encodeURIComponent(job.jobId)}`,
            }
          : {}),
      });
    },
    async gitToken(job) {
      // Public repositories clone without a token; private ones get the installation's.
      if (!job.repository.private) return undefined;
      const octokit = octokitFor(job);
      if (!octokit) return undefined;
      const auth = (await octokit.auth({ type: "installation" })) as { token?: string };
      return auth.token;
    },
    ...overrides,
  };
}
