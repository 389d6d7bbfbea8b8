// "Same code → success" and "1.3× slower → failure", decided on samples that do not move: run
// results recorded from real pipeline runs of the reference cluster (record-runs.ts), judged
// against a baseline in the archive, then published by the pipeline (runJob's republish path:
// check run completed, the one PR comment created or updated) to the GitHub double. No wall clock
// of this machine enters a verdict here; the end-to-end test asserts only the pipeline's mechanics.
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGitHubDouble, type DoubleCheckRun, type GitHubDouble } from "@mlxbench/sim/github";
import type { BenchmarkJob, MlxbenchConfig } from "@mlxbench/proto";
import { loadRun } from "@mlxbench/archive";
import { parseConfigYaml } from "@mlxbench/suite/config";
import {
  decideNextStep,
  deriveNextStepOptions,
  deriveVerdictConfig,
  type Verdict,
  summarizeVerdict,
} from "@mlxbench/verdict";
import { createFixtureRepo, type FixtureRepo } from "../src/checkout/test-support.js";
import {
  judgeAgainstArchive,
  runJob,
  type PipelineDeps,
  type RunJobOutcome,
} from "../src/pipeline/index.js";
import {
  archiveJudgedRun,
  loadRecording,
  MAIN_RECORDINGS,
  makeJob,
  RECORDINGS,
  replayAs,
  type Recording,
  type RecordingName,
} from "../src/pipeline/recorded-runs.test-support.js";
import { createLocalDeps } from "./create-local-deps.js";

const logger = pino({ level: "silent" });
/**
 * A few seconds each on a quiet machine (charts drawn, the archive written and read back); beside
 * the confirmation files on 2 cores at load average 35 two took over 30 s.
 */
const RUN_TIMEOUT = 180_000;
let tmp: string;
let gh: GitHubDouble;
let deps: PipelineDeps;
const recordings = new Map<RecordingName, Recording>();

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "pipeline-verdict-"));
  gh = await createGitHubDouble();
  deps = createLocalDeps(tmp, logger, {
    gh,
    options: { publishRetry: { attempts: 2, baseDelayMs: 10 } },
  });
  for (const name of RECORDINGS) recordings.set(name, await loadRecording(name));
});

afterAll(async () => {
  await gh.close();
  await rm(tmp, { recursive: true, force: true, maxRetries: 5 });
});

function recording(name: RecordingName): Recording {
  const r = recordings.get(name);
  if (!r) throw new Error(`recording ${name} not loaded`);
  return r;
}

/** A repository of its own: its own archive prefix, check runs and comments. */
async function freshRepo(): Promise<{ repo: string; origin: FixtureRepo }> {
  const repo = `octo/verdict-${randomUUID().slice(0, 8)}`;
  gh.addInstallation(1, [repo]);
  return { repo, origin: await createFixtureRepo(join(tmp, repo)) };
}

interface Published {
  job: BenchmarkJob;
  verdict: Verdict;
  outcome: RunJobOutcome;
  check: DoubleCheckRun;
}

/**
 * The recording as the run of `job`: judged against the archive, archived as the pipeline
 * archives a measured run, then handed to runJob, which publishes what the archive holds.
 */
async function judgeAndPublish(
  job: BenchmarkJob,
  name: RecordingName,
  config: MlxbenchConfig,
): Promise<Published> {
  const current = replayAs(
    recording(name).runResult,
    job.commit.sha,
    job.pullRequest ? "feature" : "main",
  );
  const verdict = await judgeAgainstArchive(
    { store: deps.store, log: logger },
    job,
    current,
    config,
    { mergeBase: job.pullRequest?.baseSha },
  );
  await archiveJudgedRun(deps.store, job, current, verdict);
  const outcome = await runJob(job, deps);
  const check = [...gh.checkRuns.values()].find(
    (c) => c.repo.toLowerCase() === job.repository.fullName && c.external_id === job.jobId,
  );
  if (!check) throw new Error(`no check run for ${job.jobId}`);
  return { job, verdict, outcome, check };
}

const commentsOf = (repo: string, pr: number) =>
  [...gh.comments.values()].filter((c) => c.repo.toLowerCase() === repo && c.issue_number === pr);

/**
 * A repository whose archive holds the recorded history of main (five pushes, the last the PR's
 * merge base and so its baseline; archived as the pipeline archives them, their own verdicts left
 * out: only the PR's is asserted here), then one PR run judged and published.
 */
async function historyAndPr(prRecording: RecordingName, pr: number) {
  const { repo, origin } = await freshRepo();
  const config = parseConfigYaml(recording("main-1").configYaml);
  let mainSha = "";
  let baselineJobId = "";
  for (const name of MAIN_RECORDINGS) {
    mainSha = await origin.commit({ ".mlxbench.yml": recording(name).configYaml }, name);
    const push = makeJob({ repo, cloneUrl: origin.dir, sha: mainSha, trigger: "push" });
    baselineJobId = push.jobId;
    await archiveJudgedRun(
      deps.store,
      push,
      replayAs(recording(name).runResult, mainSha, "main"),
      null,
    );
  }
  const prJob = async (name: RecordingName) =>
    makeJob({
      repo,
      cloneUrl: origin.dir,
      sha: await origin.commit({ ".mlxbench.yml": recording(name).configYaml }, name),
      trigger: "pull_request",
      pullRequest: { number: pr, baseSha: mainSha },
    });
  const first = await judgeAndPublish(await prJob(prRecording), prRecording, config);
  return { repo, mainSha, baselineJobId, config, pr: first, prJob };
}

describe("the verdict of recorded runs, judged and published by the pipeline", () => {
  it(
    "concludes the first push to main neutral: it has no baseline",
    async () => {
      const { repo, origin } = await freshRepo();
      const mainSha = await origin.commit(
        { ".mlxbench.yml": recording("main-1").configYaml },
        "main",
      );
      const baseline = await judgeAndPublish(
        makeJob({ repo, cloneUrl: origin.dir, sha: mainSha, trigger: "push" }),
        "main-1",
        parseConfigYaml(recording("main-1").configYaml),
      );
      expect(baseline.verdict.kind).toBe("no_baseline");
      expect(baseline.check.conclusion).toBe("neutral");
      expect(baseline.outcome.archivedIn).toBe("already-archived");
      const archived = await loadRun(deps.store, repo, baseline.job.jobId);
      expect(archived?.meta.branch).toBe("main");
      expect(archived?.runResult?.source.commit).toBe(mainSha);
      // The archive's run id is the job's; the suite's own run id is another.
      expect(archived?.runResult?.runId).not.toBe(baseline.job.jobId);
    },
    RUN_TIMEOUT,
  );

  it(
    "never fails a PR with the same code: a lean within noise goes to A/B pairs; one PR comment",
    async () => {
      const { pr, repo, mainSha, baselineJobId, config } = await historyAndPr("same-code", 2);
      // Named as the archive names it, so the baseline's page and compare resolve.
      expect(pr.verdict.baseline?.runId).toBe(baselineJobId);
      // The screen alone (no pairs are recorded here): with closeCallP a worsening that merely leans
      // against run-to-run noise is a close call, so this run is inconclusive and asks for A/B pairs,
      // never a failure. pipeline-confirmation.test.ts runs the pairs and ends such a PR green.
      expect(pr.verdict.kind, pr.verdict.reason).toBe("inconclusive");
      const open = pr.verdict.metrics.filter((m) => m.gated && m.outcome === "inconclusive");
      expect(open.length).toBeGreaterThan(0);
      expect(open.every((m) => m.needsConfirmation)).toBe(true);
      expect(pr.verdict.metrics.some((m) => m.outcome === "regressed")).toBe(false);
      const step = decideNextStep(pr.verdict, deriveNextStepOptions(deriveVerdictConfig(config)));
      expect(step.kind).toBe("confirm");
      expect(pr.check.conclusion, JSON.stringify(pr.check.output)).toBe("neutral");
      expect(String(pr.check.output?.summary)).toContain(`against baseline \`${baselineJobId}\``);
      expect(String(pr.check.output?.summary)).toContain(`(\`${mainSha.slice(0, 12)}\`)`);
      expect(pr.check.actions.map((a) => (a as { identifier: string }).identifier)).toEqual([
        "rerun-full",
        "rerun-quick",
      ]);
      const comments = commentsOf(repo, 2);
      expect(comments).toHaveLength(1);
      expect(comments[0]?.body).not.toMatch(/\bregressed\b/);
      expect((await loadRun(deps.store, repo, pr.job.jobId))?.meta.conclusion).toBe("neutral");
      expect(gh.violations).toEqual([]);
    },
    RUN_TIMEOUT,
  );

  it(
    "fails a PR whose cluster is 1.3× slower, naming the regressed metrics, and updates the comment",
    async () => {
      const { pr: first, repo, config, prJob, baselineJobId } = await historyAndPr("same-code", 3);
      expect(commentsOf(repo, 3)).toHaveLength(1);
      const updatesBefore = gh.requestsFor("issues/update-comment").length;
      const slower = await judgeAndPublish(await prJob("slower-1.3x"), "slower-1.3x", config);
      expect(slower.verdict.kind, slower.verdict.reason).toBe("regressed");
      expect(slower.check.conclusion, JSON.stringify(slower.check.output)).toBe("failure");
      expect(String(slower.check.output?.title), String(slower.check.output?.summary)).toMatch(
        /regressed/,
      );
      expect(String(slower.check.output?.summary)).toMatch(
        /^❌ 🔴 \d+ regressed .* — inference\.(e2e_ms|ttft_ms|tpot_ms) /,
      );
      const comments = commentsOf(repo, 3);
      expect(comments).toHaveLength(1);
      const body = comments[0]?.body ?? "";
      // The first line says the verdict once, with the regressed metric as its headline.
      const firstLine = body.split("\n").find((l) => !l.startsWith("<!--")) ?? "";
      expect(firstLine).toMatch(
        /^❌ 🔴 \d+ regressed .* — inference\.(e2e_ms|ttft_ms|tpot_ms) \+[\d.]+ % ↑ worse \[/,
      );
      expect(firstLine.match(/regressed/g)).toHaveLength(1);
      const visible = body.split("<details>")[0] ?? "";
      expect(visible.split("\n").length).toBeLessThanOrEqual(30);
      expect(body).toContain(`against baseline \`${baselineJobId}\``);
      // The runs list shows the same line, not the verdict's list of metric names.
      const meta = (await loadRun(deps.store, repo, slower.job.jobId))?.meta;
      expect(meta?.reason).toBe(summarizeVerdict(slower.verdict).line);
      expect(comments[0]?.body).toContain(slower.job.jobId);
      expect(comments[0]?.body).not.toContain(first.job.jobId);
      expect(gh.requestsFor("issues/update-comment").length).toBeGreaterThan(updatesBefore);
    },
    RUN_TIMEOUT,
  );
});
