import {
  RESULT_SCHEMA_VERSION,
  type Fingerprint,
  type MetricResult,
  type RunResult,
} from "@mlxbench/proto";
import {
  archiveRun,
  createLocalArchiveStore,
  runKeys,
  type ArchiveStore,
  type RunArtifact,
  type RunMeta,
} from "@mlxbench/archive";
import { latencyDistributionChart, renderChartPng } from "@mlxbench/suite/report/charts";
import { createRng, drawNormal, type Rng } from "@mlxbench/verdict/stats";
import {
  collectPairs,
  computeVerdict,
  judgePairs,
  parseVerdictConfig,
  summarizeVerdict,
  type RunPair,
  type Verdict,
} from "@mlxbench/verdict";

// A seeded archive for the pages' tests: a public repository with a default-branch history whose
// end-to-end latency shifts up at SHIFT_AT, pull-request runs with each kind of verdict, a run with
// a corrupt run_result.json, and a private repository.

export const PUBLIC_REPO = "acme/llm-cluster";
export const PRIVATE_REPO = "acme/secret-models";
export const MAIN_RUNS = 12;
export const SHIFT_AT = 6;

const FINGERPRINT: Fingerprint = {
  hardware: "Apple M2 Ultra 192GB macOS 15",
  clusterMode: "distributed",
  deviceCount: 3,
  devices: ["mini1", "mini2", "master"],
  model: "mlx-community/Qwen3-8B-4bit",
  suiteOptionsHash: "quick-v1",
  suiteOptions: { quick: true },
  versions: { mlx: "0.26.0" },
};
const T0 = Date.UTC(2025, 2, 1, 9, 0, 0);
const VERDICT_CONFIG = parseVerdictConfig({ resamples: 200 });

export interface SeededArchive {
  store: ArchiveStore;
  mainRunIds: string[];
  pr: {
    improved: string;
    regressed: string;
    validationFailed: string;
    cancelled: string;
    corrupt: string;
    /** Flagged by the screen and decided by 6 A/B pairs (both tiers in its verdict). */
    confirmed: string;
  };
  privateRunIds: string[];
}

interface Levels {
  e2e: number;
  ttft: number;
  tps: number;
}

function samples(rng: Rng, level: number, count = 20): number[] {
  return Array.from({ length: count }, () =>
    Number((level * Math.exp(0.02 * drawNormal(rng))).toFixed(3)),
  );
}

function metric(
  key: string,
  label: string,
  unit: string,
  direction: MetricResult["direction"],
  values: number[],
): MetricResult {
  return {
    key,
    component: "comprehensive",
    label,
    unit,
    direction,
    samples: values,
    stats: null,
    gated: true,
  };
}

function makeResult(
  runId: string,
  at: number,
  levels: Levels,
  rng: Rng,
  source: RunResult["source"],
  validationFails = false,
): RunResult {
  return {
    schemaVersion: RESULT_SCHEMA_VERSION,
    runId,
    startedAt: new Date(at - 300_000).toISOString(),
    finishedAt: new Date(at).toISOString(),
    source,
    fingerprint: FINGERPRINT,
    metrics: [
      metric(
        "inference.e2e_ms",
        "end-to-end latency",
        "ms",
        "lower_is_better",
        samples(rng, levels.e2e),
      ),
      metric(
        "inference.ttft_ms",
        "time to first token",
        "ms",
        "lower_is_better",
        samples(rng, levels.ttft),
      ),
      metric(
        "throughput.output_tokens_per_s",
        "output tokens/s",
        "tokens/s",
        "higher_is_better",
        samples(rng, levels.tps),
      ),
    ],
    validation: {
      status: validationFails ? "FAIL" : "PASS",
      criticalFailures: validationFails ? ["tensor-shapes"] : [],
      fixes: [
        {
          name: "device-discovery",
          critical: true,
          status: "PASS",
          message: "3 of 3 devices answered",
        },
        {
          name: "tensor-shapes",
          critical: true,
          status: validationFails ? "FAIL" : "PASS",
          message: validationFails
            ? "layer 12 returned [1, 4096] where [1, 8192] was expected"
            : "every layer's shapes match",
        },
        { name: "grpc-health", critical: false, status: "SKIPPED", message: "single channel" },
      ],
    },
    components: [],
    readiness: {
      verdict: validationFails ? "NOT_READY" : "READY",
      blocking: validationFails ? ["critical validation failure: tensor-shapes"] : [],
      warnings: [],
      greenLights: ["validation passed"],
    },
    warnings: [],
    exitCode: validationFails ? 1 : 0,
  };
}

function summaryOf(result: RunResult, verdict: Verdict | null): string {
  const e2e = result.metrics[0]?.samples ?? [];
  return [
    "# Executive summary",
    "",
    `**Overall status: ${result.readiness.verdict}** (exit code ${result.exitCode})`,
    "",
    `Verdict: _${verdict?.conclusion ?? "none"}_ — ${verdict?.reason ?? "no verdict"}`,
    "",
    "## Key figures",
    "",
    "| figure | value |",
    "| --- | --- |",
    `| end-to-end latency p50 | ${(e2e.slice().sort((a, b) => a - b)[10] ?? 0).toFixed(1)} ms |`,
    "| pipe \\| in a cell | kept |",
    "",
    "## Notes",
    "",
    "- raw HTML stays text: <script>alert('xss')</script>",
    "- a [bad link](javascript:alert(1)) and a [good one](https://github.com/acme/llm-cluster)",
    "- `code` spans render",
    "",
  ].join("\n");
}

interface RunSpec {
  repository: string;
  runId: string;
  index: number;
  branch: string;
  pullRequest?: number;
  levels: Levels | null;
  validationFails?: boolean;
  isPrivate: boolean;
  withChart?: boolean;
  /** A/B pairs that confirm the screen's verdict, as the worker's tier 2 does: base levels vs these. */
  confirm?: { pairs: number; base: Levels };
}

/** Writes the seeded archive into `dir` through the worker's own archive writer. */
export async function seedArchive(dir: string): Promise<SeededArchive> {
  const store = createLocalArchiveStore(dir);
  const rng = createRng(20250301);
  const mainResults: RunResult[] = [];
  const archiveIdOf = new Map<RunResult, string>();

  async function write(
    spec: RunSpec,
    baseline: RunResult | null,
    history: RunResult[],
  ): Promise<RunResult | null> {
    const at = T0 + spec.index * 3_600_000;
    const commit = createCommit(spec.runId);
    const source = {
      repository: spec.repository,
      commit,
      branch: spec.branch,
      ...(spec.pullRequest ? { pullRequest: spec.pullRequest } : {}),
    };
    // The suite names a run its own way; the archive by the job. Links must use the archive's.
    const suiteRunId = `${new Date(at).toISOString().slice(0, 19).replace(/[-:]/g, "").replace("T", "_")}-${commit.slice(0, 8)}`;
    const result = spec.levels
      ? makeResult(suiteRunId, at, spec.levels, rng, source, spec.validationFails ?? false)
      : null;
    const baselineRunId = baseline ? archiveIdOf.get(baseline) : undefined;
    const screened = result
      ? computeVerdict(result, baseline, history, VERDICT_CONFIG, {
          ...(baselineRunId === undefined ? {} : { baselineRunId }),
        })
      : null;
    if (result) archiveIdOf.set(result, spec.runId);
    const verdict =
      screened && spec.confirm && spec.levels
        ? confirmWithPairs(screened, spec.confirm, spec.levels, rng, source)
        : screened;
    const meta: Omit<RunMeta, "files"> = {
      runId: spec.runId,
      repository: spec.repository,
      private: spec.isPrivate,
      commit,
      branch: spec.branch,
      defaultBranch: "main",
      ...(spec.pullRequest ? { pullRequest: spec.pullRequest } : {}),
      trigger: spec.pullRequest ? "pull_request" : "push",
      requestedBy: spec.pullRequest ? "octocat" : "main-bot",
      startedAt: new Date(at - 300_000 - spec.index * 1000).toISOString(),
      finishedAt: new Date(at).toISOString(),
      durationMs: 300_000 + spec.index * 1000,
      conclusion: verdict?.conclusion ?? "cancelled",
      // As the worker stores it: the verdict's one line (counts and headline), not its metric list.
      reason: verdict
        ? verdict.metrics.length > 0
          ? summarizeVerdict(verdict).line
          : verdict.reason
        : "cancelled: superseded by a newer push",
      ...(result ? { fingerprint: result.fingerprint } : {}),
    };
    const artifacts: RunArtifact[] = [
      { path: "logs/cluster-distributed.log", body: `started 3 devices\nrun ${spec.runId} done\n` },
      {
        path: "report.html",
        body: "<html><body><h1>report</h1><script>document.title='ran'</script></body></html>",
      },
    ];
    if (result && spec.withChart) {
      const png = await renderChartPng(
        latencyDistributionChart(result.metrics[0]?.samples ?? [], "end-to-end latency"),
        { width: 640, height: 360 },
      );
      artifacts.push({ path: "comprehensive/latency_distribution.png", body: png });
    }
    await archiveRun(
      store,
      {
        meta,
        runResult: result,
        verdict,
        summaryMarkdown: result
          ? summaryOf(result, verdict)
          : "# Cancelled\n\nThe run was cancelled before it measured anything.\n",
        artifacts,
        isBaseline: spec.branch === "main" && result !== null,
      },
      { attempts: 1, baseDelayMs: 1 },
    );
    return result;
  }

  const mainRunIds: string[] = [];
  for (let i = 0; i < MAIN_RUNS; i++) {
    const runId = `main-${String(i).padStart(2, "0")}`;
    const levels = { e2e: i < SHIFT_AT ? 100 : 118, ttft: 40, tps: 50 };
    const result = await write(
      {
        repository: PUBLIC_REPO,
        runId,
        index: i,
        branch: "main",
        levels,
        isPrivate: false,
        withChart: i === MAIN_RUNS - 1,
      },
      mainResults.at(-1) ?? null,
      [...mainResults],
    );
    if (result) mainResults.push(result);
    mainRunIds.push(runId);
  }
  const base = mainResults.at(-1) ?? null;
  const history = [...mainResults];
  const prRun = (
    runId: string,
    index: number,
    pullRequest: number,
    branch: string,
    levels: Levels | null,
    validationFails = false,
    confirm?: RunSpec["confirm"],
  ) =>
    write(
      {
        repository: PUBLIC_REPO,
        runId,
        index,
        branch,
        pullRequest,
        levels,
        validationFails,
        isPrivate: false,
        withChart: true,
        ...(confirm ? { confirm } : {}),
      },
      base,
      history,
    );

  await prRun("pr41-a", MAIN_RUNS, 41, "feature/faster-attn", { e2e: 100, ttft: 40, tps: 56 });
  // A clear regression still goes to pairs when the screen cannot fail it on one run (the
  // history's run-to-run noise dominates), as the worker's tier 2 does; the pairs confirm it.
  await prRun("pr42-a", MAIN_RUNS + 1, 42, "fix/kv-cache", { e2e: 150, ttft: 55, tps: 41 }, false, {
    pairs: 6,
    base: { e2e: 118, ttft: 40, tps: 50 },
  });
  await prRun("pr43-a", MAIN_RUNS + 2, 43, "exp/validation", { e2e: 118, ttft: 40, tps: 50 }, true);
  await prRun("pr44-a", MAIN_RUNS + 3, 44, "wip/cancelled", null);
  await prRun("pr45-a", MAIN_RUNS + 4, 45, "fix/corrupt", { e2e: 117, ttft: 40, tps: 50 });
  const closeCall = { e2e: 125, ttft: 40, tps: 50 };
  await write(
    {
      repository: PUBLIC_REPO,
      runId: "pr46-a",
      index: MAIN_RUNS + 5,
      branch: "perf/close-call",
      pullRequest: 46,
      levels: closeCall,
      isPrivate: false,
      confirm: { pairs: 6, base: { e2e: 118, ttft: 40, tps: 50 } },
    },
    base,
    history,
  );
  // A damaged document: the page must say so and still render the rest.
  await store.put(
    runKeys(PUBLIC_REPO, "pr45-a").runResult,
    '{"schemaVersion": 1, "runId": ',
    "application/json",
  );

  const privateRunIds: string[] = [];
  const privateResults: RunResult[] = [];
  for (let i = 0; i < 3; i++) {
    const runId = `secret-${i}`;
    const result = await write(
      {
        repository: PRIVATE_REPO,
        runId,
        index: i,
        branch: "main",
        levels: { e2e: 90, ttft: 30, tps: 60 },
        isPrivate: true,
        withChart: i === 2,
      },
      privateResults.at(-1) ?? null,
      [...privateResults],
    );
    if (result) privateResults.push(result);
    privateRunIds.push(runId);
  }

  return {
    store,
    mainRunIds,
    pr: {
      improved: "pr41-a",
      regressed: "pr42-a",
      validationFailed: "pr43-a",
      cancelled: "pr44-a",
      corrupt: "pr45-a",
      confirmed: "pr46-a",
    },
    privateRunIds,
  };
}

/** Tier 2 as the worker runs it: `pairs` runs of each side, their medians paired, judged by judgePairs. */
function confirmWithPairs(
  screen: Verdict,
  confirm: { pairs: number; base: Levels },
  head: Levels,
  rng: Rng,
  source: RunResult["source"],
): Verdict {
  const pairs: RunPair[] = Array.from({ length: confirm.pairs }, (_, i) => ({
    base: makeResult(`pair-${i}-base`, T0, confirm.base, rng, source),
    head: makeResult(`pair-${i}-head`, T0, head, rng, source),
  }));
  const keys = screen.metrics.filter((m) => m.change !== null).map((m) => m.key);
  return judgePairs(screen, collectPairs(pairs, keys), VERDICT_CONFIG);
}

/** A stable 40-hex commit per run id. */
function createCommit(runId: string): string {
  let h = 0x811c9dc5;
  let out = "";
  while (out.length < 40) {
    for (let i = 0; i < runId.length; i++) h = Math.imul(h ^ runId.charCodeAt(i), 0x01000193) >>> 0;
    out += h.toString(16).padStart(8, "0");
  }
  return out.slice(0, 40);
}
