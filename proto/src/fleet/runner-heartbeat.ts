import { z } from "zod";
import { RunnerLabel } from "../schemas/runs-on.js";

/** What a runner writes into Redis every beat. */
export const RunnerHeartbeat = z.object({
  runnerId: z.string().min(1),
  labels: z.array(RunnerLabel).min(1),
  fingerprint: z.string().min(1),
  /** Epoch ms of this beat. */
  at: z.number().int().nonnegative(),
  beatMs: z.number().int().positive(),
  currentJob: z
    .object({ jobId: z.string(), label: z.string(), startedAt: z.number(), progress: z.string() })
    .nullable(),
});
export type RunnerHeartbeat = z.infer<typeof RunnerHeartbeat>;
