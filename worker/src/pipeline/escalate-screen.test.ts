import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Verdict, type BenchmarkJob, type RunResult } from "@mlxbench/proto";
import { createLocalArchiveStore } from "@mlxbench/archive";
import { sampleRunResult } from "@mlxbench/archive/testing";
import { defaultConfig } from "@mlxbench/suite/config";
import type { RunPair } from "@mlxbench/verdict";
import { createDryRunPublisher } from "../github/index.js";
import type { ClusterManager } from "../cluster/index.js";
import { escalateScreen, type EscalationSteps } from "./escalate-screen.js";
import { createJobRun, type JobRun } from "./job-run.js";
import type { Measurement } from "./measure-suite.js";
import { systemClock } from "./clock.js";

const logger = pino({ level: "silent" });
let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "escalate-screen-"));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const E2E = "inference.e2e_ms";

function job(jobId: string, suite: Partial<BenchmarkJob["suite"]> = {}): BenchmarkJob {
  return {
    schemaVersion: 1,
    jobId,
    installationId: 1,
    repository: { fullName: "octo/hello", cloneUrl: tmp, defaultBranch: "main", private: false },
    commit: { sha: "a".repeat(40) },
    trigger: "pull_request",
    pullRequest: { number: 5, fromFork: false },
    suite: { quick: true, skipValidation: false, skipCommunication: false, ...suite },
    requestedBy: "octocat",
    queuedAt: new Date().toISOString(),
  };
}

async function jobRun(j: BenchmarkJob, signal?: AbortSignal): Promise<JobRun> {
  return createJobRun(
    j,
    {
      store: createLocalArchiveStore(join(tmp, "archive")),
      spoolDir: join(tmp, "spool"),
      workDir: join(tmp, "work"),
      cloneCacheDir: join(tmp, "clones"),
      clusterStateFile: join(tmp, "groups.json"),
      checkName: "mlxbench",
      logger,
      clock: systemClock,
      createPublisher: (_job, runDir) => createDryRunPublisher(runDir),
    },
    signal ? { signal } : {},
  );
}

/** A screen's verdict as the verdict writes it (parsed by proto's schema, so it is one). */
function screen(
  kind: "ok" | "inconclusive",
  metric: { outcome: "unchanged" | "inconclusive"; needsConfirmation: boolean },
): Verdict {
  return Verdict.parse({
    conclusion: kind === "ok" ? "success" : "neutral",
    kind,
    reason: `${kind} screen`,
    baseline: { runId: "push-base", commit: "b".repeat(40) },
    metrics: [
      {
        key: E2E,
        unit: "ms",
        direction: "lower_is_better",
        gated: true,
        outcome: metric.outcome,
        reason: `${E2E} ${metric.outcome}`,
        thresholdPct: 5,
        samples: { current: 8, baseline: 8 },
        change: { ratio: 1.06, percent: 6, lowerPercent: -1, upperPercent: 13 },
        evidence: null,
        mdePct: 9,
        needsConfirmation: metric.needsConfirmation,
      },
    ],
  });
}

const verdictOf = (kind: Verdict["kind"], conclusion: Verdict["conclusion"]): Verdict => ({
  kind,
  conclusion,
  reason: `${kind} verdict`,
  baseline: null,
  metrics: [],
});

/** The head's measurement: unused by the escalation itself (the steps run the suite), so inert. */
const idleCluster: ClusterManager = {
  has: () => true,
  start: () => Promise.resolve(),
  stop: () => Promise.resolve(),
  stopAll: () => Promise.resolve(),
  running: () => [],
  logFile: (mode) => `cluster-${mode}.log`,
  logFiles: () => [],
};
const headOf = (): Measurement => ({
  cluster: idleCluster,
  startCluster: () => Promise.resolve(),
  runSuite: () => Promise.reject(new Error("the steps run the suite here")),
});

interface Recorder extends EscalationSteps {
  calls: string[];
}

function steps(over: Partial<EscalationSteps> = {}): Recorder {
  const calls: string[] = [];
  const pairRun = (id: string, scale: number): RunResult => sampleRunResult({ runId: id, scale });
  return {
    calls,
    runSuiteAgain: (dir) => (
      calls.push(`again ${dir.split("/").slice(-1)[0] ?? ""}`),
      Promise.resolve(sampleRunResult({ runId: "second", scale: 2 }))
    ),
    runPairs: (n) => {
      calls.push(`pairs ${n}`);
      return Promise.resolve(
        Array.from({ length: n }, (_, i): RunPair => ({
          base: pairRun(`b${i}`, 1 + i * 0.01),
          head: pairRun(`h${i}`, (1 + i * 0.01) * 1.2),
        })),
      );
    },
    judge: (r) => (calls.push(`judge ${r.runId}`), Promise.resolve(verdictOf("ok", "success"))),
    ...over,
  };
}

const input = (automatic = true) => ({
  head: headOf(),
  baseSha: "b".repeat(40),
  config: { ...defaultConfig(), confirmation: { max_pairs: 12, automatic } },
  profile: "pull_request" as const,
});

const first = sampleRunResult({ runId: "first" });

describe("escalateScreen", () => {
  it("does nothing more when the screen decided", async () => {
    const s = steps();
    const out = await escalateScreen(
      await jobRun(job("decided")),
      {
        runResult: first,
        verdict: screen("ok", { outcome: "unchanged", needsConfirmation: false }),
      },
      input(),
      s,
    );
    expect(s.calls).toEqual([]);
    expect(out.notes).toEqual([]);
  });

  it("re-runs the head into rerun/ and judges the first and second runs' samples pooled", async () => {
    const s = steps();
    const judged: RunResult[] = [];
    const out = await escalateScreen(
      await jobRun(job("pooled")),
      {
        runResult: first,
        verdict: screen("inconclusive", { outcome: "inconclusive", needsConfirmation: false }),
      },
      input(),
      { ...s, judge: (r) => (judged.push(r), Promise.resolve(verdictOf("regressed", "failure"))) },
    );
    expect(s.calls).toEqual(["again rerun"]);
    const e2e = (r: RunResult | undefined) => r?.metrics.find((m) => m.key === E2E);
    const second = sampleRunResult({ runId: "second", scale: 2 });
    expect(e2e(judged[0])?.samples).toHaveLength(
      (e2e(first)?.samples.length ?? 0) + (e2e(second)?.samples.length ?? 0),
    );
    expect(out.runResult).toBe(judged[0]);
    expect(out.verdict.kind).toBe("regressed");
    expect(out.notes.join(" ")).toMatch(/pooled/);
  });

  it("keeps the first run and its verdict when the re-run fails", async () => {
    const verdict = screen("inconclusive", { outcome: "inconclusive", needsConfirmation: false });
    const out = await escalateScreen(
      await jobRun(job("rerun-fails")),
      { runResult: first, verdict },
      input(),
      steps({ runSuiteAgain: () => Promise.reject(new Error("suite process exited with code 1")) }),
    );
    expect(out.runResult).toBe(first);
    expect(out.verdict).toBe(verdict);
    expect(out.notes.join(" ")).toMatch(/re-run failed \(suite process exited with code 1\)/);
  });

  it("lets a cancellation through instead of keeping the first run", async () => {
    const abort = new AbortController();
    abort.abort(new Error("superseded by a newer push"));
    await expect(
      escalateScreen(
        await jobRun(job("cancelled"), abort.signal),
        {
          runResult: first,
          verdict: screen("inconclusive", { outcome: "inconclusive", needsConfirmation: true }),
        },
        input(),
        steps({ runPairs: () => Promise.reject(new Error("suite process killed")) }),
      ),
    ).rejects.toThrow("suite process killed");
  });

  it("confirms a close call with A/B pairs and decides on them: both tiers in the verdict", async () => {
    const s = steps();
    const out = await escalateScreen(
      await jobRun(job("close-call")),
      {
        runResult: first,
        verdict: screen("inconclusive", { outcome: "inconclusive", needsConfirmation: true }),
      },
      input(),
      s,
    );
    expect(s.calls).toEqual(["pairs 4"]);
    expect(out.verdict.tiers?.screen.kind).toBe("inconclusive");
    expect(out.verdict.tiers?.confirmation).toMatchObject({ pairs: 4, metrics: [E2E] });
    const e2e = out.verdict.metrics.find((m) => m.key === E2E);
    expect(e2e?.outcome).toBe("regressed");
    expect(e2e?.confirmation?.percent).toBeCloseTo(20, 5);
  });

  it("runs a second batch, numbered after the first, when the sized pairs did not decide", async () => {
    const batches: [number, number][] = [];
    // Pairs that swing both ways (head 1.3× then 0.85× its base): their interval stays wide.
    const s = steps({
      runPairs: (n, from) => {
        batches.push([n, from]);
        return Promise.resolve(
          Array.from({ length: n }, (_, i): RunPair => {
            const ratio = (from + i) % 2 === 0 ? 1.3 : 0.85;
            return {
              base: sampleRunResult({ runId: `b${from + i}`, scale: 1 }),
              head: sampleRunResult({ runId: `h${from + i}`, scale: ratio }),
            };
          }),
        );
      },
    });
    const out = await escalateScreen(
      await jobRun(job("second-batch")),
      {
        runResult: first,
        verdict: screen("inconclusive", { outcome: "inconclusive", needsConfirmation: true }),
      },
      input(),
      s,
    );
    // 4 sized pairs, then up to the repository's max_pairs (12): 8 more, numbered from pair 5.
    expect(batches).toEqual([
      [4, 0],
      [8, 4],
    ]);
    expect(out.verdict.tiers?.confirmation).toMatchObject({ pairs: 12, metrics: [E2E] });
    expect(out.notes.join(" ")).toMatch(/12 A\/B pairs .*4 first, 8 more/);
  });

  it("runs the pairs a person asked for, whatever the screen said", async () => {
    const s = steps();
    await escalateScreen(
      await jobRun(job("requested", { confirm: { pairs: 6 } })),
      {
        runResult: first,
        verdict: screen("ok", { outcome: "unchanged", needsConfirmation: false }),
      },
      input(),
      s,
    );
    expect(s.calls).toEqual(["pairs 6"]);
  });

  it("leaves a close call inconclusive when automatic confirmation is off, and says how to ask", async () => {
    const s = steps();
    const out = await escalateScreen(
      await jobRun(job("off")),
      {
        runResult: first,
        verdict: screen("inconclusive", { outcome: "inconclusive", needsConfirmation: true }),
      },
      input(false),
      s,
    );
    expect(s.calls).toEqual([]);
    expect(out.verdict.kind).toBe("inconclusive");
    expect(out.notes.join(" ")).toMatch(/`\/benchmark confirm`/);
  });

  it.each([
    ["push", "a push skips the pairs (nothing to gate) and says why", [], /push is not confirmed/],
    ["pull_request", "a pull request confirms the same close call", ["pairs 4"], /A\/B pairs/],
  ] as const)("%s: %s", async (trigger, _what, calls, note) => {
    const s = steps();
    const { pullRequest: _pr, ...base } = job(`trigger-${trigger}`);
    const out = await escalateScreen(
      await jobRun(trigger === "push" ? { ...base, trigger } : { ...base, pullRequest: _pr }),
      {
        runResult: first,
        verdict: screen("inconclusive", { outcome: "inconclusive", needsConfirmation: true }),
      },
      input(),
      s,
    );
    expect(s.calls).toEqual(calls);
    expect(out.verdict.kind).toBe(trigger === "push" ? "inconclusive" : "regressed");
    expect(out.notes.join(" ")).toMatch(note);
  });
});
