import { z } from "zod";

// `runs-on` in .mlxbench.yml: the runner pool(s) a run needs, like GitHub Actions' runner labels.
// A label becomes part of a BullMQ queue name and a check run name, so it is kept to a safe set.

export const RUNNER_LABEL_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

export const RunnerLabel = z
  .string()
  .regex(
    RUNNER_LABEL_PATTERN,
    "a runner label is 1–64 characters of A-Z a-z 0-9 _ . - (no spaces or shell characters)",
  );
export type RunnerLabel = z.infer<typeof RunnerLabel>;

/** The pool every run uses when `runs-on` is not set. */
export const DEFAULT_RUNNER_LABEL = "default";

/** A label or a list of labels (a matrix: one job and one check run per label). */
export const RunsOn = z
  .union([RunnerLabel, z.array(RunnerLabel).min(1, "runs-on needs at least one label")], {
    error: (issue) =>
      issue.input === undefined
        ? undefined
        : "runs-on must be a label or a list of labels, e.g. runs-on: [m2-ultra-3x]",
  })
  .transform((v) => (typeof v === "string" ? [v] : v))
  .superRefine((labels, ctx) => {
    const seen = new Set<string>();
    for (const [i, label] of labels.entries()) {
      if (seen.has(label)) {
        ctx.addIssue({ code: "custom", path: [i], message: `label "${label}" is listed twice` });
      }
      seen.add(label);
    }
  });
export type RunsOn = z.infer<typeof RunsOn>;

/** Parses a list of labels from an env var such as RUNNER_LABELS="m2-ultra-3x,nightly". */
export function parseRunnerLabels(value: string, name = "RUNNER_LABELS"): string[] {
  const parts = value
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  const parsed = RunsOn.safeParse(parts.length === 0 ? undefined : parts);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${name}: ${issue?.message ?? "invalid"} (got "${value}")`);
  }
  return parsed.data;
}
