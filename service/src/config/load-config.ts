import { QueueEnv } from "@mlxbench/proto";
import { z } from "zod";
import { ConfigError } from "../errors.js";

const booleanFlag = z
  .enum(["true", "false", "1", "0", "yes", "no", ""])
  .default("false")
  .transform((v) => v === "true" || v === "1" || v === "yes");

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

export const Config = z.object({
  /** Comma-separated; the first signs nothing, all verify: add the new one first, drop the old later. */
  WEBHOOK_SECRET: z
    .string({ error: "is required" })
    .transform((s) =>
      s
        .split(",")
        .map((x) => x.trim())
        .filter((x) => x.length > 0),
    )
    .refine((l) => l.length > 0, "needs at least one non-empty secret"),
  GITHUB_APP_ID: z
    .string({ error: "is required" })
    .regex(/^[1-9]\d*$/, "must be a number (the App's id)")
    .transform(Number),
  /** PEM, with literal "\n" accepted since env files often carry one line. */
  GITHUB_PRIVATE_KEY: z
    .string({ error: "is required" })
    .transform((s) => s.replace(/\\n/g, "\n"))
    .refine(
      (s) => s.includes("-----BEGIN") && s.includes("PRIVATE KEY-----"),
      "must be a PEM private key",
    ),
  GITHUB_API_URL: z.url().optional(),
  /** REDIS_URL, QUEUE_NAME, KEY_PREFIX: shared with the worker. */
  ...QueueEnv,
  PUBLIC_URL: z
    .url({ error: "must be an absolute URL (where the archive pages are served)" })
    .transform((s) => s.replace(/\/+$/, "")),
  CHECK_NAME: z.string().min(1).max(100).default("mlxbench"),
  RUN_ON_DRAFTS: booleanFlag,
  /** true: route each run by `.mlxbench.yml` runs-on to the `<QUEUE_NAME>.<label>` pool queues. */
  RUNNER_POOLS: booleanFlag,
  /** 0 picks a free port (the benchmark does). */
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  DEDUPE_TTL_SECONDS: positiveInt(3 * 24 * 3600),
  /** How long a delivery may wait for GitHub before it is queued without a check run. */
  GITHUB_BUDGET_MS: positiveInt(2500),
  QUEUE_TIMEOUT_MS: positiveInt(3000),
  GITHUB_RETRIES: z.coerce.number().int().min(0).max(10).default(2),
  /** The archive the pages read: an S3 bucket, or with none the local directory ARCHIVE_DIR. */
  ARCHIVE_BUCKET: z.string().min(3).optional(),
  ARCHIVE_PREFIX: z.string().optional(),
  ARCHIVE_DIR: z.string().min(1).default("./archive"),
  S3_ENDPOINT: z.url({ error: "must be a URL, e.g. http://127.0.0.1:4568" }).optional(),
  AWS_REGION: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});
export type Config = z.infer<typeof Config>;

/** Reads the service's configuration; every problem names its variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = Config.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((i) => `${i.path.join(".") || "(env)"} ${i.message}`)
      .join("; ");
    throw new ConfigError(`invalid configuration: ${problems}`, { cause: parsed.error });
  }
  return parsed.data;
}
