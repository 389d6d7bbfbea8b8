import { join } from "node:path";
import type { MlxbenchConfig, RunResult } from "@mlxbench/proto";
import { describeIdentityField, diffFingerprintIdentity, type RunPair } from "@mlxbench/verdict";
import { CONFIG_FILE, readRepoConfig, type Checkout } from "../checkout/index.js";
import { checkoutOther } from "./checkout-commit.js";
import type { JobRun } from "./job-run.js";
import { createMeasurement, type Measurement } from "./measure-suite.js";
import { planAbbaOrder, type PairSide } from "./plan-abba-order.js";
import type { SuiteProfile } from "./read-job-config.js";

/** A confirmation that cannot run or cannot be trusted; the screen's verdict then stands, with this as the note. */
export class ConfirmationError extends Error {
  override readonly name = "ConfirmationError";
}

export interface ConfirmationInput {
  /** The head's measurement, its cluster running after the screen's run. */
  head: Measurement;
  /** The commit the head is compared with: the merge-base, else the baseline's commit. */
  baseSha: string | undefined;
  /** The head's config: its suite options are the comparison's, for both sides. */
  config: MlxbenchConfig;
  profile: SuiteProfile;
}

/**
 * Tier 2's runs: `pairs` A/B pairs of the merge-base (A) and the head (B), interleaved A/B/B/A on
 * the same cluster, each side's cluster started from its own checkout (the code under test) with
 * its own `.mlxbench.yml` cluster section and the head's suite options. Every result lands under
 * `{outputDir}/confirmation/` and is archived with the run. Throws ConfirmationError when the
 * comparison cannot be made fairly: no merge-base, a cluster mlxbench does not start (the code
 * could not be switched), a merge-base whose config is invalid, or two sides that ran on
 * different setups. The base's checkout and cluster are always cleaned up.
 */
export async function runConfirmationPairs(
  run: JobRun,
  input: ConfirmationInput,
  pairs: number,
  /** Pairs this confirmation ran before: a second batch's artifacts are numbered after them. */
  first = 0,
): Promise<RunPair[]> {
  const { baseSha } = input;
  if (baseSha === undefined)
    throw new ConfirmationError("there is no merge-base or baseline commit to run beside this one");
  if (!input.head.cluster.has("distributed"))
    throw new ConfirmationError(
      `the cluster is not started by mlxbench (no cluster.distributed.start in ${CONFIG_FILE}), so the merge-base's code cannot be run beside this commit's`,
    );
  const short = baseSha.slice(0, 7);
  let baseCheckout: Checkout | undefined;
  let base: Measurement | undefined;
  try {
    baseCheckout = await checkoutOther(run, baseSha, `${run.job.jobId}-base`);
    const read = await readRepoConfig(baseCheckout.dir);
    if (!read.ok)
      throw new ConfirmationError(
        `the merge-base ${short} cannot be benchmarked: its ${CONFIG_FILE} is invalid (${read.problems[0]?.message ?? "see its check run"})`,
      );
    if (read.config.cluster.distributed?.start === undefined)
      throw new ConfirmationError(
        `the merge-base ${short} has no cluster.distributed.start in its ${CONFIG_FILE}, so its code cannot be started`,
      );
    base = createMeasurement(
      run,
      baseCheckout.dir,
      { ...input.config, cluster: read.config.cluster },
      input.profile,
      { commit: baseSha, logDir: join(run.outputDir, "confirmation", "logs-merge-base") },
    );
    return await runInterleaved(run, { base, head: input.head }, pairs, short, first);
  } finally {
    await base?.cluster.stopAll();
    await baseCheckout
      ?.remove()
      .catch((err: unknown) => run.log.warn({ err }, "merge-base checkout not removed"));
  }
}

async function runInterleaved(
  run: JobRun,
  sides: Record<PairSide, Measurement>,
  pairs: number,
  baseShort: string,
  first: number,
): Promise<RunPair[]> {
  const results: { base?: RunResult; head?: RunResult }[] = Array.from(
    { length: pairs },
    () => ({}),
  );
  // The head's cluster still runs from the screen's run; the pairs start from A all the same, so
  // every run of the head is on a cluster started for the confirmation (a state the screen's run
  // left, a one-off spike, does not carry into the pairs).
  let running: PairSide = "head";
  for (const slot of planAbbaOrder(pairs)) {
    run.signal?.throwIfAborted();
    if (slot.side !== running) {
      // Both commits share the hardware: one cluster at a time, each from its own code.
      await sides[running].cluster.stopAll();
      await sides[slot.side].startCluster();
      running = slot.side;
    }
    const label = slot.side === "base" ? `merge-base ${baseShort}` : "this commit";
    const dir = join(
      run.outputDir,
      "confirmation",
      `pair-${String(first + slot.pair + 1).padStart(2, "0")}-${slot.side}`,
    );
    const r = await sides[slot.side].runSuite(
      dir,
      `confirming: pair ${first + slot.pair + 1} of ${first + pairs}, ${label}`,
    );
    results[slot.pair] = { ...results[slot.pair], [slot.side]: r };
  }
  // Leave the head's cluster as the screen left it: the caller stops it with everything else.
  if (running === "base") await sides.base.cluster.stopAll();
  return results.map((r, i) => checkedPair(r, first + i, baseShort));
}

/** A pair whose two runs measured the same setup; otherwise the paired difference means nothing. */
function checkedPair(
  r: { base?: RunResult; head?: RunResult },
  i: number,
  baseShort: string,
): RunPair {
  if (!r.base || !r.head) throw new ConfirmationError(`pair ${i + 1} is incomplete`);
  const differs = diffFingerprintIdentity(r.base.fingerprint, r.head.fingerprint);
  if (differs.length > 0)
    throw new ConfirmationError(
      `pair ${i + 1}: the merge-base ${baseShort} and this commit ran on ${differs.map(describeIdentityField).join(", ")}, so their difference is not the code's`,
    );
  return { base: r.base, head: r.head };
}
