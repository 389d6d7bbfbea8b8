import { parseRunnerLabels, QueueEnv } from "@mlxbench/proto";
import { z } from "zod";

const flag = z
  .enum(["true", "false", "1", "0", "yes", "no", ""])
  .optional()
  .transform((v) =>
    v === undefined || v === "" ? undefined : v === "true" || v === "1" || v === "yes",
  );
const ms = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** The worker's environment; every default is the local one (Redis on localhost, a local archive, dry-run publishing). */
export const WorkerConfig = z
  .object({
    /** REDIS_URL, QUEUE_NAME (the cluster this worker drives), the service's KEY_PREFIX. */
    ...QueueEnv,
    /** No bucket: the archive is ARCHIVE_DIR. */
    ARCHIVE_BUCKET: z.string().min(3).optional(),
    ARCHIVE_PREFIX: z.string().optional(),
    ARCHIVE_DIR: z.string().min(1).default("./archive"),
    S3_ENDPOINT: z.url({ error: "must be a URL, e.g. http://127.0.0.1:4568" }).optional(),
    S3_REGION: z.string().default("us-east-1"),
    S3_FORCE_PATH_STYLE: flag,
    AWS_ACCESS_KEY_ID: z.string().optional(),
    AWS_SECRET_ACCESS_KEY: z.string().optional(),
    /** Runs the archive could not take yet. */
    SPOOL_DIR: z.string().min(1).default("./.mlxbench/spool"),
    WORK_DIR: z.string().min(1).default("./.mlxbench/work"),
    CLONE_CACHE_DIR: z.string().min(1).default("./.mlxbench/clones"),
    CLUSTER_STATE_FILE: z.string().min(1).default("./.mlxbench/cluster-groups.json"),
    /** Both or neither: without them the publisher writes into the run's folder (dry run). */
    GITHUB_APP_ID: z
      .string()
      .regex(/^[1-9]\d*$/, "must be a number (the App's id)")
      .transform(Number)
      .optional(),
    GITHUB_PRIVATE_KEY: z
      .string()
      .transform((s) => s.replace(/\\n/g, "\n"))
      .refine(
        (s) => s.includes("-----BEGIN") && s.includes("PRIVATE KEY-----"),
        "must be a PEM private key",
      )
      .optional(),
    GITHUB_API_URL: z.url().optional(),
    /** Retries of one GitHub request (5xx, network) inside Octokit. */
    GITHUB_RETRIES: z.coerce.number().int().min(0).max(10).default(3),
    /** Base of Octokit's retry backoff, seconds. */
    GITHUB_RETRY_BASE_S: z.coerce.number().positive().default(1),
    PUBLIC_URL: z
      .url({ error: "must be an absolute URL (where the archive pages are served)" })
      .optional(),
    /** QuickChart for the comment's chart images (default https://quickchart.io, public repositories only). */
    QUICKCHART_URL: z.url({ error: "must be an absolute URL (a QuickChart server)" }).optional(),
    CHECK_NAME: z.string().min(1).max(100).default("mlxbench"),
    /** The job's lock; renewed every half of it while the suite runs in its child process. */
    LOCK_DURATION_MS: ms(60_000),
    STALLED_INTERVAL_MS: ms(30_000),
    /** Attempts of a job that fails transiently (when the job itself does not say). */
    MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(3),
    BACKOFF_MS: ms(30_000),
    CANCEL_POLL_MS: ms(1000),
    KEEP_RUN_DIRS: flag,
    /** Runner pools served (comma-separated runs-on labels); unset: the single QUEUE_NAME queue. */
    RUNNER_LABELS: z
      .string()
      .optional()
      .transform((v, ctx) => {
        if (v === undefined || v.trim() === "") return undefined;
        try {
          return parseRunnerLabels(v, "RUNNER_LABELS");
        } catch (err) {
          ctx.addIssue({ code: "custom", message: (err as Error).message });
          return z.NEVER;
        }
      }),
    /** The cluster's hardware fingerprint (runner-macos/fingerprint.sh): one runner per cluster. */
    RUNNER_FINGERPRINT: z.string().min(1).optional(),
    /** This runner's name on the fleet page; default: the host name. */
    RUNNER_ID: z.string().min(1).optional(),
    HEARTBEAT_MS: ms(10_000),
    LOG_LEVEL: z
      .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"])
      .default("info"),
  })
  .superRefine((c, ctx) => {
    if ((c.GITHUB_APP_ID === undefined) !== (c.GITHUB_PRIVATE_KEY === undefined)) {
      ctx.addIssue({
        code: "custom",
        path: [c.GITHUB_APP_ID === undefined ? "GITHUB_APP_ID" : "GITHUB_PRIVATE_KEY"],
        message: "is required when the other of GITHUB_APP_ID/GITHUB_PRIVATE_KEY is set",
      });
    }
    if (c.RUNNER_LABELS !== undefined && c.RUNNER_FINGERPRINT === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["RUNNER_FINGERPRINT"],
        message: "is required when RUNNER_LABELS is set (two runners must not drive one cluster)",
      });
    }
    if (c.S3_ENDPOINT !== undefined && c.ARCHIVE_BUCKET === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["ARCHIVE_BUCKET"],
        message: "is required when S3_ENDPOINT is set",
      });
    }
  });
export type WorkerConfig = z.infer<typeof WorkerConfig>;

export class WorkerConfigError extends Error {
  override readonly name = "WorkerConfigError";
}

/** Reads the worker's configuration; every problem names its variable. */
export function loadWorkerConfig(
  env: Record<string, string | undefined> = process.env,
): WorkerConfig {
  const parsed = WorkerConfig.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((i) => `${i.path.join(".") || "(env)"} ${i.message}`)
      .join("; ");
    throw new WorkerConfigError(`invalid worker configuration: ${problems}`, {
      cause: parsed.error,
    });
  }
  return parsed.data;
}
