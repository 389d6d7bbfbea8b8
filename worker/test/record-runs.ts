// Records the run results pipeline-verdict.test.ts judges: three real pipeline runs (runJob, the
// reference cluster started by the commit's .mlxbench.yml, the suite in its child process) of a
// push to main, a PR with the same code, and a PR whose cluster is 1.3× slower. A program, not a
// test: run it on a quiet machine, `npx tsx worker/test/record-runs.ts`, and commit the fixtures.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { loadRun } from "@mlxbench/archive";
import { createFixtureRepo } from "../src/checkout/test-support.js";
import { runJob } from "../src/pipeline/index.js";
import {
  MAIN_RECORDINGS,
  makeJob,
  RECORDINGS_DIR,
  type RecordingName,
} from "../src/pipeline/recorded-runs.test-support.js";
import { simConfigYaml, simPorts } from "../src/pipeline/test-support.js";
import { createLocalDeps } from "./create-local-deps.js";

const REPO = "octo/recorded";
const tmp = await mkdtemp(join(tmpdir(), "record-runs-"));
try {
  const logger = pino({ level: "warn" });
  // No GitHub App configured: the dry-run publisher, nothing leaves the machine.
  const deps = createLocalDeps(tmp, logger, { logLevel: "warn" });
  const origin = await createFixtureRepo(join(tmp, "origin"));
  let mainSha = "";
  const plan: { name: RecordingName; slowdown: number; trigger: "push" | "pull_request" }[] = [
    ...MAIN_RECORDINGS.map((name) => ({ name, slowdown: 1, trigger: "push" as const })),
    { name: "same-code", slowdown: 1, trigger: "pull_request" },
    { name: "slower-1.3x", slowdown: 1.3, trigger: "pull_request" },
  ];
  await mkdir(RECORDINGS_DIR, { recursive: true });
  for (const p of plan) {
    const yaml = simConfigYaml({ ...(await simPorts()), slowdown: p.slowdown });
    // One line of history: each PR commit has the newest main commit as its merge base.
    const sha = await origin.commit({ ".mlxbench.yml": yaml }, p.name);
    if (p.trigger === "push") mainSha = sha;
    const job = makeJob({
      repo: REPO,
      cloneUrl: origin.dir,
      sha,
      trigger: p.trigger,
      ...(p.trigger === "pull_request" ? { pullRequest: { number: 1, baseSha: mainSha } } : {}),
    });
    const outcome = await runJob(job, deps);
    const runResult = (await loadRun(deps.store, REPO, job.jobId))?.runResult;
    if (!runResult) throw new Error(`${p.name}: no run result archived (${outcome.reason})`);
    // Ports are the recording machine's: a reader sees them, a test never starts this config.
    const recording = {
      recordedWith: {
        by: "worker/test/record-runs.ts",
        slowdown: p.slowdown,
        trigger: p.trigger,
        verdictWhenRecorded: `${outcome.conclusion}: ${outcome.reason.split("\n")[0] ?? ""}`,
      },
      configYaml: yaml,
      runResult,
    };
    await writeFile(
      join(RECORDINGS_DIR, `${p.name}.json`),
      `${JSON.stringify(recording, null, 2)}\n`,
    );
    process.stdout.write(
      `${p.name}: ${outcome.conclusion} — ${outcome.reason.split("\n")[0] ?? ""}\n`,
    );
  }
} finally {
  await rm(tmp, { recursive: true, force: true });
}
