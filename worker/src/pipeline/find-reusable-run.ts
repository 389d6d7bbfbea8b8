import type {
  BenchmarkJob,
  ClusterMode,
  Fingerprint,
  MlxbenchConfig,
  RunResult,
  Verdict,
} from "@mlxbench/proto";
import { listRuns, loadRun, type ArchiveStore, type RunMeta } from "@mlxbench/archive";
import { hashSuiteOptions, resolveSuiteOptions } from "@mlxbench/suite";
import { flagsOf } from "./job-context.js";

/**
 * What a job's run would record in its fingerprint, as far as it can be known without starting
 * the cluster. The hardware label is not among it: the suite reads it from the running cluster
 * (`/distributed/gpu-info`), so a reused run is one measured on whatever hardware served that
 * commit's run — the summary says so.
 */
export interface ExpectedFingerprint {
  suiteOptionsHash: string;
  clusterMode: ClusterMode;
  /** The configured model; empty: whichever the cluster served first (not compared). */
  model: string;
  /** Devices the config requires; empty: not compared. */
  devices: string[];
  /** Components the job would run (skip flags are not part of the options hash). */
  runsValidation: boolean;
  runsCommunication: boolean;
}

export function expectFingerprint(
  job: BenchmarkJob,
  config: MlxbenchConfig,
  profile: keyof MlxbenchConfig["suite"],
): ExpectedFingerprint {
  // The same call the suite child makes (suite-child.ts), so the hash is the one the run would record.
  const options = resolveSuiteOptions(flagsOf(job), config, profile);
  const devices = config.cluster.expected_devices;
  return {
    suiteOptionsHash: hashSuiteOptions(options),
    // The suite labels a run by the device count the cluster reports; the config only tells it
    // when it names the devices, so without them a one-device run is (conservatively) not reused.
    clusterMode: devices.length === 1 ? "single-device" : "distributed",
    model: config.cluster.model,
    devices: [...devices],
    runsValidation: !options.skipValidation,
    runsCommunication: !options.skipCommunication,
  };
}

/** Why a fingerprint is not the one expected; empty when it matches. */
export function diffExpectedFingerprint(
  expected: ExpectedFingerprint,
  actual: Fingerprint,
): string[] {
  const diffs: string[] = [];
  if (actual.suiteOptionsHash !== expected.suiteOptionsHash)
    diffs.push(`suite options ${actual.suiteOptionsHash} ≠ ${expected.suiteOptionsHash}`);
  if (actual.clusterMode !== expected.clusterMode)
    diffs.push(`cluster mode ${actual.clusterMode} ≠ ${expected.clusterMode}`);
  if (expected.model && actual.model !== expected.model)
    diffs.push(`model ${actual.model} ≠ ${expected.model}`);
  const missing = expected.devices.filter((d) => !actual.devices.includes(d));
  if (missing.length) diffs.push(`devices ${missing.join(", ")} missing`);
  return diffs;
}

export interface ReusableRun {
  runId: string;
  meta: RunMeta;
  runResult: RunResult;
  verdict: Verdict;
  summaryMarkdown: string | null;
}

export interface FindReusableRunQuery {
  repository: string;
  commit: string;
  expected: ExpectedFingerprint;
  /** Only runs finished at or after this time. */
  finishedSince: Date;
  /** The job's own run id, never reused. */
  excludeRunId?: string;
}

/** Newest-first index entries read at most: a gate lookup must stay cheap on a busy archive. */
const SCAN_LIMIT = 500;

/**
 * The newest archived run of exactly this commit whose fingerprint matches what the job would
 * run, finished recently enough, with a verdict and a result; null when there is none.
 */
export async function findReusableRun(
  store: ArchiveStore,
  q: FindReusableRunQuery,
): Promise<ReusableRun | null> {
  const metas = await listRuns(store, q.repository, {
    commit: q.commit,
    withResult: true,
    limit: 20,
    scanLimit: SCAN_LIMIT,
  });
  for (const meta of metas) {
    // listRuns matches a commit prefix too; a gate needs the exact commit.
    if (meta.commit !== q.commit || meta.runId === q.excludeRunId) continue;
    // Newest first: once one is too old, all the rest are.
    if (Date.parse(meta.finishedAt) < q.finishedSince.getTime()) break;
    if (meta.conclusion === "cancelled" || !meta.fingerprint) continue;
    if (diffExpectedFingerprint(q.expected, meta.fingerprint).length > 0) continue;
    const run = await loadRun(store, q.repository, meta.runId).catch(() => null);
    if (!run?.runResult || run.verdict === null) continue;
    const skipped = (name: string): boolean =>
      run.runResult?.components.some((c) => c.name === name && c.status === "skipped") ?? false;
    if (q.expected.runsValidation && (run.runResult.validation === null || skipped("validation")))
      continue;
    if (q.expected.runsCommunication && skipped("communication")) continue;
    return {
      runId: meta.runId,
      meta: run.meta,
      runResult: run.runResult,
      verdict: run.verdict,
      summaryMarkdown: run.summaryMarkdown,
    };
  }
  return null;
}
