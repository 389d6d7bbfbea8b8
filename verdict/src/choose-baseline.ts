import type { RunResult } from "@mlxbench/proto";
import type { ArchivedRunRef } from "./archived-run-ref.js";
import {
  describeIdentityField,
  diffFingerprintIdentity,
  type IdentityField,
} from "./fingerprint-identity.js";

export interface ChooseBaselineInput<T extends ArchivedRunRef> {
  current: RunResult;
  /**
   * The current run's id in the archive (candidates are named by it), so a rerun never compares
   * with itself; the suite's run id inside `current` is another name. Defaults to `current.runId`.
   */
  currentRunId?: string;
  candidates: readonly T[];
  /** The PR's merge-base commit with the default branch, when known. */
  mergeBase?: string;
  /**
   * `/benchmark --compare REF`: only a run of this commit (of any branch) is the baseline; there
   * is no fallback to another run. `label` is the ref as the person wrote it.
   */
  pinned?: { commit: string; label: string };
  defaultBranch: string;
}

export type NoBaselineWhy =
  "none_archived" | "none_on_default_branch" | "none_earlier" | "other_fingerprint" | "none_at_ref";

export type BaselineChoice<T extends ArchivedRunRef> =
  | {
      found: true;
      baseline: T;
      rule: "merge_base" | "latest_earlier" | "pinned_ref";
      reason: string;
    }
  | { found: false; reason: "no comparable baseline"; why: NoBaselineWhy; detail: string };

/**
 * The run to compare against: the default-branch run at the PR's merge-base, else the latest
 * default-branch run that finished before this one started. Never a run whose fingerprint identity
 * differs (hardware, cluster mode, devices, model, suite options).
 */
export function chooseBaseline<T extends ArchivedRunRef>(
  input: ChooseBaselineInput<T>,
): BaselineChoice<T> {
  const { current, candidates, mergeBase, defaultBranch } = input;
  const none = (why: NoBaselineWhy, detail: string): BaselineChoice<T> => ({
    found: false,
    reason: "no comparable baseline",
    why,
    detail,
  });
  const selfId = input.currentRunId ?? current.runId;
  const others = candidates.filter((c) => c.runId !== selfId);
  if (input.pinned !== undefined) return choosePinned(input.pinned, others, current, none);
  if (others.length === 0) return none("none_archived", "no archived runs");

  const onDefault = others.filter((c) => c.branch === defaultBranch);
  if (onDefault.length === 0) {
    return none(
      "none_on_default_branch",
      `none of ${others.length} archived runs is on ${defaultBranch}`,
    );
  }

  const differences = new Map<IdentityField, number>();
  const comparable = onDefault.filter((c) => {
    const diff = diffFingerprintIdentity(current.fingerprint, c.fingerprint);
    for (const field of diff) differences.set(field, (differences.get(field) ?? 0) + 1);
    return diff.length === 0;
  });
  if (comparable.length === 0) {
    const ranked = [...differences.entries()].sort((a, b) => b[1] - a[1]);
    const fields = ranked.map(([field]) => describeIdentityField(field)).join(", ");
    return none(
      "other_fingerprint",
      `all ${onDefault.length} ${defaultBranch} runs were measured differently (${fields}) than this run (${describeFingerprint(current)})`,
    );
  }

  const byNewest = (a: T, b: T): number => Date.parse(b.finishedAt) - Date.parse(a.finishedAt);
  if (mergeBase !== undefined && mergeBase !== "") {
    const atMergeBase = comparable.filter((c) => c.commit === mergeBase).sort(byNewest)[0];
    if (atMergeBase !== undefined) {
      return {
        found: true,
        baseline: atMergeBase,
        rule: "merge_base",
        reason: `${defaultBranch} run ${atMergeBase.runId} at merge-base ${shortCommit(mergeBase)}`,
      };
    }
  }

  const startedAt = Date.parse(current.startedAt);
  const earlier = comparable
    .filter(
      (c) => Number.isFinite(Date.parse(c.finishedAt)) && Date.parse(c.finishedAt) <= startedAt,
    )
    .sort(byNewest)[0];
  if (earlier === undefined) {
    return none(
      "none_earlier",
      `${comparable.length} comparable ${defaultBranch} run(s), none finished before this run started${
        mergeBase !== undefined ? ` and none at merge-base ${shortCommit(mergeBase)}` : ""
      }`,
    );
  }
  const why =
    mergeBase !== undefined && mergeBase !== ""
      ? ` (no run at merge-base ${shortCommit(mergeBase)})`
      : "";
  return {
    found: true,
    baseline: earlier,
    rule: "latest_earlier",
    reason: `latest earlier ${defaultBranch} run ${earlier.runId} at ${shortCommit(earlier.commit)}${why}`,
  };
}

/** The run of the pinned commit measured like this one, newest first; never another commit's. */
function choosePinned<T extends ArchivedRunRef>(
  pinned: { commit: string; label: string },
  others: readonly T[],
  current: RunResult,
  none: (why: NoBaselineWhy, detail: string) => BaselineChoice<T>,
): BaselineChoice<T> {
  const name = `\`${pinned.label}\` (${shortCommit(pinned.commit)})`;
  const atRef = others.filter((c) => c.commit === pinned.commit);
  const comparable = atRef
    .filter((c) => diffFingerprintIdentity(current.fingerprint, c.fingerprint).length === 0)
    .sort((a, b) => Date.parse(b.finishedAt) - Date.parse(a.finishedAt));
  const chosen = comparable[0];
  if (chosen !== undefined)
    return {
      found: true,
      baseline: chosen,
      rule: "pinned_ref",
      reason: `run ${chosen.runId} of ${name}, as asked with --compare`,
    };
  const detail =
    atRef.length === 0
      ? `no archived run of ${name}, which --compare asked for; a push of that commit to the default branch or a deployment gate on it archives one`
      : `the ${atRef.length} archived run(s) of ${name} were measured differently than this run (${describeFingerprint(current)})`;
  return none("none_at_ref", detail);
}

function shortCommit(sha: string): string {
  return sha.slice(0, 7);
}

function describeFingerprint(run: RunResult): string {
  const f = run.fingerprint;
  return `${f.hardware}, ${f.clusterMode}, ${f.deviceCount} device(s), ${f.model}`;
}
