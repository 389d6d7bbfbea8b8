// npx tsx worker/bench/e2e-run-profile.ts — where one pipeline run of the end-to-end tests spends its
// time: the push test's run (a fixture repository whose .mlxbench.yml starts the reference cluster,
// s3rver as the archive, the GitHub double), profiled step by step from the run's own step log
// (each `run.step` line, timestamped to the ms) and the suite's per-component durations.
// PROFILE_YAML=mechanics (default) uses pipeline.e2e's config; PROFILE_YAML=confirmation that of
// pipeline-confirmation.test.ts's runs.
import { randomUUID } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { pino } from "pino";
import { createGitHubDouble } from "@mlxbench/sim/github";
import { loadRun } from "@mlxbench/archive";
import { S3RVER_CREDENTIALS, startTestS3 } from "@mlxbench/archive/testing";
import { createFixtureRepo } from "../src/checkout/test-support.js";
import { runJob } from "../src/pipeline/index.js";
import { makeJob } from "../src/pipeline/recorded-runs.test-support.js";
import { mechanicsConfigYaml, simConfigYaml, simPorts } from "../src/pipeline/test-support.js";
import { createLocalDeps } from "../test/create-local-deps.js";

const steps: { at: number; step: string }[] = [];
const sink = new Writable({
  write(chunk: Buffer, _enc, done) {
    for (const line of chunk.toString().split("\n").filter(Boolean)) {
      const entry = JSON.parse(line) as { time: number; step?: string };
      if (entry.step !== undefined) steps.push({ at: entry.time, step: entry.step });
    }
    done();
  },
});
const logger = pino({ level: "info" }, sink);

const tmp = await mkdtemp(join(tmpdir(), "e2e-profile-"));
const gh = await createGitHubDouble();
const s3 = await startTestS3();
try {
  const repo = `octo-e2e/profile-${randomUUID().slice(0, 8)}`;
  gh.addInstallation(1, [repo]);
  const origin = await createFixtureRepo(join(tmp, repo));
  const ports = await simPorts();
  // pipeline-confirmation.test.ts's runs: the default profile with 10 requests per latency run.
  const yaml =
    process.env.PROFILE_YAML === "confirmation"
      ? simConfigYaml({ ...ports, inferenceIterations: 10 })
      : mechanicsConfigYaml(ports);
  const sha = await origin.commit({ ".mlxbench.yml": yaml }, "main");
  const deps = createLocalDeps(tmp, logger, {
    gh,
    s3: { bucket: s3.bucket, endpoint: s3.endpoint, ...S3RVER_CREDENTIALS },
    logLevel: "info",
    options: { keepRunDirs: true },
  });
  const job = makeJob({ repo, cloneUrl: origin.dir, sha, trigger: "push" });
  const t0 = Date.now();
  const outcome = await runJob(job, deps);
  const total = Date.now() - t0;

  console.log(
    `one push run (${process.env.PROFILE_YAML ?? "mechanics"} config): ${outcome.conclusion}`,
  );
  console.log("\nstep log (time from the run's start, then how long until the next step):");
  const ends = [...steps.slice(1).map((s) => s.at), t0 + total];
  for (const [i, s] of steps.entries())
    console.log(
      `  +${((s.at - t0) / 1000).toFixed(2).padStart(6)} s  ${(((ends[i] ?? s.at) - s.at) / 1000).toFixed(2).padStart(6)} s  ${s.step}`,
    );
  const t = outcome.timings;
  const firstStep = steps[0]?.at ?? t0;
  const fetchStep = steps.find((s) => s.step.startsWith("reading"))?.at ?? firstStep;
  console.log("\nphases:");
  console.log(
    `  before the first step (job folders, publisher, check in progress) ${((firstStep - t0) / 1000).toFixed(2)} s`,
  );
  console.log(`  checkout (fetch + worktree)  ${((fetchStep - firstStep) / 1000).toFixed(2)} s`);
  console.log(`  cluster start to ready       ${(t.clusterStartMs / 1000).toFixed(2)} s`);
  console.log(
    `  suite child process          ${(t.suiteMs / 1000).toFixed(2)} s (the suite's own clock: ${(t.suiteOwnMs / 1000).toFixed(2)} s)`,
  );
  const run = (await loadRun(deps.store, repo, job.jobId))?.runResult;
  for (const c of run?.components ?? [])
    console.log(
      `    ${c.name.padEnd(26)} ${c.status.padEnd(10)} ${(c.durationMs / 1000).toFixed(2)} s`,
    );
  const validationDir = join(tmp, "work", "runs", job.jobId, "output", "validation");
  const validationJson = (await readdir(validationDir).catch(() => [])).find((f) =>
    f.endsWith(".json"),
  );
  const validation = validationJson
    ? await readFile(join(validationDir, validationJson), "utf8")
    : null;
  const checks = validation
    ? (JSON.parse(validation) as { checks?: { name: string; durationMs: number }[] }).checks
    : undefined;
  for (const c of checks ?? [])
    console.log(`      validation ${c.name.padEnd(22)} ${(c.durationMs / 1000).toFixed(2)} s`);
  console.log(`  archive upload               ${(t.archiveMs / 1000).toFixed(2)} s`);
  console.log(`  publish (check, comment)     ${(t.publishMs / 1000).toFixed(2)} s`);
  console.log(`  total                        ${(total / 1000).toFixed(2)} s`);
} finally {
  await gh.close();
  await s3.close();
  await rm(tmp, { recursive: true, force: true });
}
process.exit(0);
