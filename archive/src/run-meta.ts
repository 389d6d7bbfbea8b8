import { z } from "zod";
import { Fingerprint } from "@mlxbench/proto";

export const RunConclusion = z.enum(["success", "failure", "neutral", "cancelled"]);
export type RunConclusion = z.infer<typeof RunConclusion>;

/** What the lists show about a run (docs/archive-layout.md); stored as meta.json and as its index entry. */
export const RunMeta = z.object({
  runId: z.string().regex(/^[A-Za-z0-9_.-]+$/),
  repository: z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/),
  private: z.boolean(),
  commit: z.string().min(1),
  branch: z.string(),
  defaultBranch: z.string(),
  pullRequest: z.number().int().positive().optional(),
  trigger: z.string(),
  requestedBy: z.string(),
  startedAt: z.string().datetime(),
  finishedAt: z.string().datetime(),
  durationMs: z.number().nonnegative(),
  conclusion: RunConclusion,
  /** One line. */
  reason: z.string(),
  /** Absent when the run produced no result (e.g. the cluster never started). */
  fingerprint: Fingerprint.optional(),
  /** Keys relative to the run folder. */
  files: z.array(z.string()),
});
export type RunMeta = z.infer<typeof RunMeta>;
