import type { GateConfig, MlxbenchConfig, RunResult } from "@mlxbench/proto";
import type { Verdict } from "@mlxbench/verdict";
import { CONFIG_FILE, describeConfigProblems, type ConfigProblemView } from "../checkout/index.js";
import { ClusterStartError } from "../cluster/index.js";
import type { CheckAnnotation, CheckConclusion } from "../github/index.js";
import { messageOf } from "./errors.js";
import type { ReusableRun } from "./find-reusable-run.js";

/** What a run ended with: everything the check run, the comment, the gate and the archive show. */
export interface Outcome {
  conclusion: CheckConclusion;
  reason: string;
  verdict: Verdict | null;
  runResult: RunResult | null;
  notes: string[];
  log?: { label: string; text: string };
  annotations: CheckAnnotation[];
  config: MlxbenchConfig | null;
  /** The archived run whose verdict answered this deployment gate (no suite ran). */
  reusedRunId?: string;
  /** The gate rules of an archived run being republished (its config is not read again). */
  gate?: GateConfig;
}

export interface FailedOutcomeContext {
  /** The repository's config once read: a failed run still answers a gate by its rules. */
  config: MlxbenchConfig | null;
  notes?: string[];
  log?: { label: string; text: string };
  annotations?: CheckAnnotation[];
}

/** A run that ended without a verdict. */
export function failedOutcome(reason: string, ctx: FailedOutcomeContext): Outcome {
  return {
    conclusion: "failure",
    reason,
    verdict: null,
    runResult: null,
    notes: ctx.notes ?? [],
    ...(ctx.log ? { log: ctx.log } : {}),
    annotations: ctx.annotations ?? [],
    config: ctx.config,
  };
}

/**
 * The outcome of a failure the run concludes on: cancelled when its signal was aborted (a newer
 * push), the cluster's log when it did not start, else the error's message.
 */
export function concludeFailure(
  failure: unknown,
  ctx: { config: MlxbenchConfig | null; aborted: boolean },
): Outcome {
  const message = failure === undefined ? "cancelled" : messageOf(failure);
  if (ctx.aborted) return { ...failedOutcome(message, ctx), conclusion: "cancelled" };
  if (failure instanceof ClusterStartError)
    return failedOutcome(failure.message, {
      config: ctx.config,
      log: { label: `cluster log (${failure.mode})`, text: failure.log },
    });
  return failedOutcome(`the run failed: ${message}`, ctx);
}

/** An invalid `.mlxbench.yml`: each problem as an annotation on its line. */
export function invalidConfigOutcome(problems: readonly ConfigProblemView[]): Outcome {
  const first = problems[0];
  return failedOutcome(
    `${CONFIG_FILE} is invalid: ${first?.message ?? "see details"}${first?.line !== undefined ? ` (line ${first.line})` : ""}`,
    {
      config: null,
      notes: [
        `${CONFIG_FILE} at this commit does not match the schema:\n\n${describeConfigProblems(problems)}`,
      ],
      annotations: problems.map((p) => ({
        path: CONFIG_FILE,
        start_line: p.line ?? 1,
        end_line: p.line ?? 1,
        annotation_level: "failure",
        title: "invalid .mlxbench.yml",
        message: p.message,
      })),
    },
  );
}

/** The verdict of a run that measured. */
export function verdictOutcome(
  judged: { runResult: RunResult; verdict: Verdict; notes: string[] },
  config: MlxbenchConfig,
): Outcome {
  return {
    conclusion: judged.verdict.conclusion,
    reason: judged.verdict.reason,
    verdict: judged.verdict,
    runResult: judged.runResult,
    notes: judged.notes,
    annotations: [],
    config,
  };
}

/** A deployment gate answered by an archived run of the same commit and options. */
export function reusedOutcome(r: ReusableRun, config: MlxbenchConfig): Outcome {
  const fp = r.runResult.fingerprint;
  return {
    conclusion: r.meta.conclusion,
    reason: `reused run ${r.runId}: ${r.meta.reason}`,
    verdict: r.verdict,
    runResult: r.runResult,
    notes: [
      `This deployment gate reused run \`${r.runId}\` of the same commit, finished ${r.meta.finishedAt} (within \`gate.reuse_within_hours: ${config.gate.reuse_within_hours}\`), with the same suite options (hash \`${fp.suiteOptionsHash}\`), cluster mode (${fp.clusterMode})${config.cluster.model ? `, model` : ""}${config.cluster.expected_devices.length ? ", expected devices" : ""}; the cluster was not started and the suite did not run. Its hardware (${fp.hardware}) could not be compared: the suite learns it from the running cluster.`,
    ],
    annotations: [],
    config,
    reusedRunId: r.runId,
  };
}
