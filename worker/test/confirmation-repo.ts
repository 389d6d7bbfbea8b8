// The repository of a paired-confirmation test on the reference cluster: its default branch's
// history holds one real run of main and earlier runs made from it with a seeded 5 % run-to-run
// noise (archived as the pipeline archives runs), so the screen cannot fail a change on one run and
// must confirm. Each test file makes its own (its own GitHub double, archive, ports), so the files
// run side by side.
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll } from "vitest";
import { createGitHubDouble, type DoubleCheckRun, type GitHubDouble } from "@mlxbench/sim/github";
import { MIN_CONFIRMATION_PAIRS, type MetricResult, type RunResult } from "@mlxbench/proto";
import { loadRun } from "@mlxbench/archive";
import { DEFAULT_PROMPTS, summarize } from "@mlxbench/suite/measure";
import { createRng, drawNormal } from "@mlxbench/verdict/stats";
import { createFixtureRepo, type FixtureRepo } from "../src/checkout/test-support.js";
import { runJob, type PipelineDeps } from "../src/pipeline/index.js";
import { archiveJudgedRun, makeJob } from "../src/pipeline/recorded-runs.test-support.js";
import { simConfigYaml, simPorts } from "../src/pipeline/test-support.js";
import { createLocalDeps } from "./create-local-deps.js";

const HISTORY_RUNS = 9;
const RUN_NOISE = 0.05;
// The fewest pairs the config allows (MIN_CONFIRMATION_PAIRS, 4) decide a 1.3× slowdown plainly
// and keep the runs short (each pair is two cluster starts and two suite runs).
export const PAIRS = MIN_CONFIRMATION_PAIRS;
// 10 requests per latency run (the default profile has 20): each run of a pair is summarised by one
// location, and a 1.3× slowdown stands far above the sim's 2 % noise with half as many. Every
// run here uses the same count, or the archive's runs would be "measured differently".
const INFERENCE_ITERATIONS = 10;
// The suite's own prompts (short to long context), their completions cut to 64 tokens (from up to
// 256): a 1.3× slowdown of every token shows as plainly in 64 of them, and a run takes about half as
// long. Every token is still modelled at the same speed (time scale 0.2), so the scheduling jitter
// of a loaded machine stays as small beside it.
const MAX_TOKENS = 64;
const PROMPTS = DEFAULT_PROMPTS.map((p) => ({
  ...p,
  max_tokens: Math.min(p.max_tokens, MAX_TOKENS),
}));
/**
 * A screen run and 2 × PAIRS suite runs with a cluster start at each switch: about 140 s at load
 * average 3.5, more than 600 s at load average 35-42 (2 cores shared with other work).
 */
export const RUN_TIMEOUT = 900_000;
/** The setup's one real run of main, beside up to 2 × PAIRS runs of another file's confirmation. */
const SETUP_TIMEOUT = 300_000;

export interface ConfirmationRepo {
  repo: string;
  deps: PipelineDeps;
  gh: GitHubDouble;
  mainSha: string;
  /** The history's commits, oldest first; the first is tagged v1.0. */
  historyShas: string[];
  /** The `.mlxbench.yml` of every run here, with its `confirmation:` pairs. */
  config(o?: { slowdown?: number; firstStartSlowdown?: number; pairs?: number }): string;
  /** The same cluster and suite, automatic confirmation off. */
  noConfirmConfig(): string;
  /** A PR on main whose only change is `yaml`, run by the pipeline to its check run. */
  pullRequest(
    number: number,
    yaml: string,
    suite?: Parameters<typeof makeJob>[0]["suite"],
  ): Promise<{ check: DoubleCheckRun; jobId: string }>;
  /** Cancels the runs still going (their clusters stop), then removes everything. */
  close(): Promise<void>;
}

/** A run of main as the pipeline measured it, moved by `factor` (worse when > 1) at another time. */
function shifted(run: RunResult, factor: number, commit: string, hoursEarlier: number): RunResult {
  const at = (iso: string) => new Date(Date.parse(iso) - hoursEarlier * 3_600_000).toISOString();
  const metrics = run.metrics.map((m): MetricResult => {
    const f = m.direction === "lower_is_better" ? factor : 1 / factor;
    const samples = m.samples.map((v) => v * f);
    return { ...m, samples, stats: samples.length ? summarize(samples) : m.stats };
  });
  return {
    ...run,
    runId: `${run.runId}-h${hoursEarlier}`,
    startedAt: at(run.startedAt),
    finishedAt: at(run.finishedAt),
    source: { ...run.source, commit },
    metrics,
  };
}

/**
 * The test file's repository: made before its tests, closed after them (vitest's hooks). The
 * getter is for use inside a test.
 */
export function useConfirmationRepo(name: string): () => ConfirmationRepo {
  let made: ConfirmationRepo | undefined;
  beforeAll(async () => {
    made = await createConfirmationRepo(name);
  }, SETUP_TIMEOUT);
  afterAll(async () => {
    await made?.close();
  }, SETUP_TIMEOUT);
  return () => {
    if (made === undefined) throw new Error(`the ${name} repository is made before the tests run`);
    return made;
  };
}

export async function createConfirmationRepo(name: string): Promise<ConfirmationRepo> {
  const logger = pino({ level: "silent" });
  const tmp = await mkdtemp(join(tmpdir(), `${name}-`));
  const gh = await createGitHubDouble();
  const repo = `octo/${name}-${randomUUID().slice(0, 8)}`;
  gh.addInstallation(1, [repo]);
  const deps = createLocalDeps(tmp, logger, {
    gh,
    options: { publishRetry: { attempts: 2, baseDelayMs: 10 }, keepRunDirs: false },
  });
  const ports = await simPorts();
  const config: ConfirmationRepo["config"] = ({ pairs = PAIRS, ...o } = {}) =>
    simConfigYaml({
      ...ports,
      ...o,
      inferenceIterations: INFERENCE_ITERATIONS,
      prompts: PROMPTS,
      extraYaml: `confirmation:\n  pairs: ${pairs}\n`,
    });
  // No confirmation: for tests about which run is the baseline, not about the decision.
  const noConfirmConfig = (): string =>
    simConfigYaml({
      ...ports,
      inferenceIterations: INFERENCE_ITERATIONS,
      prompts: PROMPTS,
      extraYaml: "confirmation:\n  automatic: false\n",
    });
  const origin: FixtureRepo = await createFixtureRepo(join(tmp, repo));
  const historyShas: string[] = [];
  for (let k = 0; k < HISTORY_RUNS; k++)
    historyShas.push(await origin.commit({ ".mlxbench.yml": config(), "N.md": `${k}\n` }, `h${k}`));
  await origin.tag("v1.0", historyShas[0]);
  const mainSha = await origin.commit({ ".mlxbench.yml": config(), "N.md": "main\n" }, "main");
  // One real run of main: the baseline, measured here like every run that follows.
  const push = makeJob({ repo, cloneUrl: origin.dir, sha: mainSha, trigger: "push" });
  await runJob(push, deps);
  const measured = (await loadRun(deps.store, repo, push.jobId))?.runResult;
  if (!measured) throw new Error("the main run was not archived with a result");
  // Its history: earlier runs of main, each moved by one seeded run-to-run factor for all metrics.
  const rng = createRng(20261205);
  for (const [k, sha] of historyShas.entries()) {
    const factor = Math.exp(RUN_NOISE * drawNormal(rng));
    const job = makeJob({ repo, cloneUrl: origin.dir, sha, trigger: "push" });
    await archiveJudgedRun(deps.store, job, shifted(measured, factor, sha, HISTORY_RUNS - k), null);
  }

  // Runs still going when the file ends (a test that timed out) are cancelled, so their clusters
  // stop instead of loading the machine under the files that follow.
  const stop = new AbortController();
  const running = new Set<Promise<unknown>>();
  const run = async (job: ReturnType<typeof makeJob>): Promise<void> => {
    const p = runJob(job, deps, { signal: stop.signal });
    running.add(p);
    try {
      await p;
    } finally {
      running.delete(p);
    }
  };
  return {
    repo,
    deps,
    gh,
    mainSha,
    historyShas,
    config,
    noConfirmConfig,
    async pullRequest(number, yaml, suite = {}) {
      await origin.branch(`pr-${number}`, mainSha);
      await origin.checkout(`pr-${number}`);
      const sha = await origin.commit({ ".mlxbench.yml": yaml }, `pr ${number}`);
      await origin.checkout("main");
      const job = makeJob({
        repo,
        cloneUrl: origin.dir,
        sha,
        trigger: "pull_request",
        pullRequest: { number, baseSha: mainSha },
        suite,
      });
      await run(job);
      const check = [...gh.checkRuns.values()].find((c) => c.external_id === job.jobId);
      if (!check) throw new Error(`no check run for ${job.jobId}`);
      return { check, jobId: job.jobId };
    },
    async close() {
      stop.abort(new Error("the test file ended"));
      await Promise.allSettled(running);
      await gh.close();
      await rm(tmp, { recursive: true, force: true });
    },
  };
}

const outputField = (c: DoubleCheckRun, key: "summary" | "text"): string => {
  const v = c.output?.[key];
  return typeof v === "string" ? v : "";
};
export const summaryOf = (c: DoubleCheckRun): string => outputField(c, "summary");
export const textOf = (c: DoubleCheckRun): string => outputField(c, "text");
