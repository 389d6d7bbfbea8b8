import { z } from "zod";
import { ConfirmationPairs } from "./mlxbench-config.js";
import { RunnerLabel } from "./runs-on.js";

/** What started a run. */
export const Trigger = z.enum([
  "pull_request",
  "comment",
  "rerun",
  "push",
  "deployment_gate",
  "manual",
]);
export type Trigger = z.infer<typeof Trigger>;

/** Suite options a job may carry; anything unset comes from the repository's config. */
export const SuiteOptions = z
  .object({
    quick: z.boolean().default(true),
    /**
     * True when the trigger chose `quick` on purpose (`/benchmark quick|full`, the check run's
     * re-run buttons); false when `quick` is only the service's default, so the repository's
     * `.mlxbench.yml` profile decides. Absent (older services): `quick: false` counts as chosen.
     */
    quickExplicit: z.boolean().optional(),
    iterations: z.number().int().positive().max(10_000).optional(),
    skipValidation: z.boolean().default(false),
    skipCommunication: z.boolean().default(false),
    /** A git ref to compare against instead of the automatic baseline (`/benchmark --compare`). */
    compareRef: z.string().min(1).max(255).optional(),
    /**
     * `/benchmark confirm [pairs]`: after the screen, run the paired A/B/B/A confirmation whatever
     * the screen said; `pairs` unset: sized from the noise (and `.mlxbench.yml`'s confirmation).
     */
    confirm: z.object({ pairs: ConfirmationPairs.optional() }).strict().optional(),
  })
  .strict();
export type SuiteOptions = z.infer<typeof SuiteOptions>;

const FullName = z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, "must be owner/name");
const Sha = z.string().regex(/^[0-9a-f]{40}$/, "must be a 40-character lowercase hex commit SHA");

/** One benchmark to run: made by the service, consumed by the worker. */
export const BenchmarkJob = z
  .object({
    schemaVersion: z.literal(1),
    /** Also the BullMQ job id and the check run's external_id: no ':' and not all digits. */
    jobId: z
      .string()
      .min(1)
      .max(200)
      .regex(/^[A-Za-z0-9_.-]+$/, "only letters, digits, '_', '.', '-'")
      .refine((s) => !/^\d+$/.test(s), "must not be all digits"),
    installationId: z.number().int().positive(),
    repository: z.object({
      fullName: FullName,
      cloneUrl: z.string().min(1),
      defaultBranch: z.string().min(1),
      private: z.boolean(),
    }),
    commit: z.object({
      sha: Sha,
      ref: z.string().optional(),
    }),
    trigger: Trigger,
    pullRequest: z
      .object({
        number: z.number().int().positive(),
        baseSha: Sha.optional(),
        baseRef: z.string().optional(),
        fromFork: z.boolean().default(false),
      })
      .optional(),
    deployment: z
      .object({
        environment: z.string().min(1),
        /** The callback URL GitHub gave (`deployment_callback_url`). */
        callbackUrl: z.string().url(),
        runId: z.number().int().positive().optional(),
      })
      .optional(),
    suite: SuiteOptions,
    requestedBy: z.string().min(1),
    /** Check run created by the service; absent when GitHub failed and the worker must create it. */
    checkRunId: z.number().int().positive().optional(),
    /** The runner pool (runs-on label) whose queue holds the job; absent: the single queue. */
    pool: RunnerLabel.optional(),
    /** ISO 8601 time the service queued the job. */
    queuedAt: z.string().datetime(),
  })
  .strict();
export type BenchmarkJob = z.infer<typeof BenchmarkJob>;

/** Parses a job, with every problem named by its path. */
export function parseBenchmarkJob(input: unknown): BenchmarkJob {
  const parsed = BenchmarkJob.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((i) => `${i.path.join(".") || "(job)"}: ${i.message}`)
      .join("; ");
    throw new Error(`invalid benchmark job: ${problems}`);
  }
  return parsed.data;
}

/** Identifiers of the buttons on a completed check run (`check_run.requested_action`); ≤ 20 characters. */
export const CheckRunAction = z.enum(["rerun-full", "rerun-quick"]);
export type CheckRunAction = z.infer<typeof CheckRunAction>;

/**
 * Redis key the service sets when a newer push supersedes an active job; the worker watches it
 * and stops the run. `keyPrefix` is the service's KEY_PREFIX (default "mlxbench:").
 */
export function jobCancelKey(jobId: string, keyPrefix = "mlxbench:"): string {
  return `${keyPrefix}cancel:${jobId}`;
}
