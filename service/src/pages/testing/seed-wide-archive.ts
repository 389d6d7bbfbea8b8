import { RESULT_SCHEMA_VERSION, type MetricResult, type RunResult } from "@mlxbench/proto";
import { archiveRun, createLocalArchiveStore, type ArchiveStore } from "@mlxbench/archive";
import { createRng, drawNormal, type Rng } from "@mlxbench/verdict/stats";
import { computeVerdict, parseVerdictConfig, summarizeVerdict } from "@mlxbench/verdict";

// A repository whose runs carry as many metrics as the full suite (52), with the suite's long
// names, few of them gated, and a PR whose time per output token is 1.3× slower: the pages'
// layout is measured on this, not on three short names.

export const WIDE_REPO = "acme/wide-cluster";
export const WIDE_MAIN_RUNS = 6;
export const WIDE_PR_RUN = "pr-77-slow";
export const WIDE_GATED = 5;
export const SLOW_METRIC = "inference.time_per_output_token_p50_ms";
/** Not gated, and 1.4× slower in the PR too: the trends unfold it for that run. */
export const SLOW_UNGATED = "comprehensive.concurrency_8.queue_wait_p90_ms";

const T0 = Date.UTC(2026, 10, 1, 9, 0, 0);
const CONFIG = parseVerdictConfig({ resamples: 200 });

const GATED: [string, string, string][] = [
  [SLOW_METRIC, "time per output token p50 (decode, streamed)", "ms"],
  ["inference.time_to_first_token_p50_ms", "time to first token p50 (first content chunk)", "ms"],
  ["inference.end_to_end_latency_p50_ms", "end-to-end request latency p50", "ms"],
  ["throughput.output_tokens_per_second_c8", "output tokens per second at concurrency 8", "tok/s"],
  ["validation.error_rate_percent", "requests that ended in an error of any class", "%"],
];
const LEVELS = [1, 2, 4, 8, 16, 32, 64];
const MEASURES: [string, string, string][] = [
  ["ttft_p99_ms", "time to first token p99", "ms"],
  ["inter_token_latency_p95_ms", "inter-token latency p95 between content chunks", "ms"],
  ["goodput_requests_per_second", "goodput within the latency objective", "req/s"],
  ["queue_wait_p90_ms", "scheduler queue wait p90 before prefill", "ms"],
  ["output_tokens_per_second", "aggregate output tokens per second", "tok/s"],
  [
    "tensor_transfer_mib_per_second",
    "gRPC tensor transfer between devices (4096×8192 f16)",
    "MiB/s",
  ],
  ["grpc_round_trip_p99_ms", "gRPC DistributedComm round trip p99", "ms"],
];

function names(): { key: string; label: string; unit: string; gated: boolean }[] {
  const out = GATED.map(([key, label, unit]) => ({ key, label, unit, gated: true }));
  for (const [suffix, label, unit] of MEASURES)
    for (const c of LEVELS)
      out.push({
        key: `comprehensive.concurrency_${c}.${suffix}`,
        label: `${label} at concurrency ${c}`,
        unit,
        gated: false,
      });
  return out.slice(0, 52);
}

/** One run of the 52 metrics; `slow` multiplies SLOW_METRIC (and SLOW_UNGATED, 1.1× more). */
export function makeWideResult(runId: string, at: number, slow: number, rng: Rng): RunResult {
  const metrics: MetricResult[] = names().map((n, i) => ({
    key: n.key,
    component: "comprehensive",
    label: n.label,
    unit: n.unit,
    direction: /per_second|goodput/.test(n.key) ? "higher_is_better" : "lower_is_better",
    samples: Array.from({ length: 12 }, () =>
      Number(
        (
          (10 + i * 7.3) *
          (n.key === SLOW_METRIC ? slow : n.key === SLOW_UNGATED ? slow * 1.1 : 1) *
          Math.exp(0.02 * drawNormal(rng))
        ).toFixed(3),
      ),
    ),
    stats: null,
    gated: n.gated,
  }));
  return {
    schemaVersion: RESULT_SCHEMA_VERSION,
    runId,
    startedAt: new Date(at - 600_000).toISOString(),
    finishedAt: new Date(at).toISOString(),
    source: {},
    fingerprint: {
      hardware: "Apple M2 Ultra 192GB macOS 15",
      clusterMode: "distributed",
      deviceCount: 3,
      devices: ["mini1", "mini2", "master"],
      model: "mlx-community/Qwen3-8B-4bit",
      suiteOptionsHash: "full-v1",
      suiteOptions: { quick: false },
      versions: { mlx: "0.26.0" },
    },
    metrics,
    validation: { status: "PASS", criticalFailures: [], fixes: [] },
    components: [],
    readiness: { verdict: "READY", blocking: [], warnings: [], greenLights: [] },
    warnings: [],
    exitCode: 0,
  };
}

/** The check's text as the worker archives it: its line, then a metric table of every metric. */
function summaryOf(result: RunResult, line: string): string {
  return [
    line,
    "",
    "| metric | baseline | current | change | 95 % interval | threshold | detectable | n | verdict |",
    "| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | --- |",
    ...result.metrics.map((m) => `| \`${m.key}\` | — | — | — | — | ±5 % | — | 12 vs 12 | — |`),
    "",
    "Deployment readiness: **READY**",
  ].join("\n");
}

/** Writes WIDE_MAIN_RUNS default-branch runs and the slow PR's run into `dir`. */
export async function seedWideArchive(dir: string): Promise<ArchiveStore> {
  const store = createLocalArchiveStore(dir);
  const rng = createRng(20261206);
  const history: RunResult[] = [];
  for (let i = 0; i <= WIDE_MAIN_RUNS; i++) {
    const pr = i === WIDE_MAIN_RUNS;
    const runId = pr ? WIDE_PR_RUN : `main-${i}`;
    const at = T0 + i * 3_600_000;
    const result = makeWideResult(runId, at, pr ? 1.3 : 1, rng);
    const baseline = history.at(-1) ?? null;
    const verdict = computeVerdict(result, baseline, history, CONFIG, {
      ...(baseline ? { baselineRunId: `main-${i - 1}` } : {}),
    });
    const line = verdict.metrics.length > 0 ? summarizeVerdict(verdict).line : verdict.reason;
    const commit = (i + 10).toString(16).repeat(40).slice(0, 40);
    await archiveRun(
      store,
      {
        meta: {
          runId,
          repository: WIDE_REPO,
          private: false,
          commit,
          branch: pr ? "slow-decode" : "main",
          defaultBranch: "main",
          ...(pr ? { pullRequest: 77 } : {}),
          trigger: pr ? "pull_request" : "push",
          requestedBy: "octocat",
          startedAt: new Date(at - 600_000).toISOString(),
          finishedAt: new Date(at).toISOString(),
          durationMs: 600_000,
          conclusion: verdict.conclusion,
          reason: line,
          fingerprint: result.fingerprint,
        },
        runResult: result,
        verdict,
        summaryMarkdown: summaryOf(result, line),
        artifacts: [],
        isBaseline: !pr,
      },
      { attempts: 1, baseDelayMs: 1 },
    );
    if (!pr) history.push(result);
  }
  return store;
}
