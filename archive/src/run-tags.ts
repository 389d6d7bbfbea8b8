import type { RunMeta } from "./run-meta.js";

/**
 * The object tag of a pull-request run. The bucket's lifecycle rule expires objects under
 * `reports/` that carry it (PR_RUN_TAG in infra/src/mlxbench-stack.ts: keep the two equal);
 * default-branch runs stay untagged and are kept, since they are the baselines.
 */
export const PR_RUN_TAGS: Readonly<Record<string, string>> = Object.freeze({
  "mlxbench-run": "pr",
});

/** The tags of every object of a run (baseline pointers excepted): PR runs expire, others not. */
export function tagsForRun(
  meta: Pick<RunMeta, "pullRequest">,
): Readonly<Record<string, string>> | undefined {
  return meta.pullRequest !== undefined ? PR_RUN_TAGS : undefined;
}
