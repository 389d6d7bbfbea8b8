import { arch, cpus, totalmem, type as osType } from "node:os";
import { runCli } from "./run-cli.js";
import {
  SimClusterStartError,
  spawnSimCluster,
  type SimClusterProcess,
} from "./spawn-sim-cluster.js";

// `npm run demo`: the embedded default. Two reference clusters (three devices, and one device
// for the single-device baseline), each in its own child process so their work does not share
// the measuring client's event loop; the quick suite against them through the CLI, and the
// verdict. Needs no Redis, S3 or GitHub.
//
// Concurrency 24: each cluster at its capacity (the sim decodes 8 sequences per device at once), so
// the comparison shows what the pipeline delivers with every stage full and what one device
// delivers with its batch full. At 8 the three devices split one device's batch into three small
// micro-batches, and even the timing model gives only 1.8× (60 % scaling efficiency, below the
// contract's 70 %) however healthy the cluster.
const DEMO_CONCURRENCY = 24;
// Time scale 0.5: one sequence decodes a token in 12.5 ms, a fast Mac's pace on the sim's 8B 4-bit
// model (the sim's default 0.1 is ten times a Mac mini, for tests). At 0.1 a token of the
// concurrency-1 loads took 2.5 ms, so the reader thread's own delay on two shared cores (stamp lag
// p99 8 ms when quiet) was most of the ITL p99 those loads report; at 0.5 it is a small share. The
// demo takes about two minutes instead of forty seconds.
const DEMO_TIME_SCALE = "0.5";

const outputDir = process.argv[2] ?? "benchmark_results";
const started = performance.now();
const clusters: SimClusterProcess[] = [];
const stopClusters = (): Promise<void> =>
  Promise.all(clusters.map((c) => c.stop())).then(() => undefined);

// Ctrl-C or a kill ends the sims too, so nothing is left running.
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping the reference clusters`);
    void stopClusters().finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
  });
}

console.log(
  "Starting the reference cluster (3 devices) and a single-device reference for the comparison…",
);
let code: number;
try {
  // Wait for both, so one that started is stopped by the finally even when the other failed.
  const starts = await Promise.allSettled([
    spawnSimCluster({ devices: 3, seed: 42, extraArgs: ["--time-scale", DEMO_TIME_SCALE] }),
    spawnSimCluster({ devices: 1, seed: 43, extraArgs: ["--time-scale", DEMO_TIME_SCALE] }),
  ]);
  for (const s of starts) if (s.status === "fulfilled") clusters.push(s.value);
  for (const s of starts) if (s.status === "rejected") throw s.reason;
  const [distributed, single] = clusters as [SimClusterProcess, SimClusterProcess];
  console.log(
    `  distributed:   ${distributed.apiUrl} (gRPC ${distributed.grpcTarget}; ${distributed.deviceIds.join(", ")}; pid ${distributed.pid})`,
  );
  console.log(`  single device: ${single.apiUrl} (gRPC ${single.grpcTarget}; pid ${single.pid})`);
  console.log(`Running \`mlxbench suite --quick --concurrent-requests ${DEMO_CONCURRENCY}\` …\n`);
  code = await runCli(
    [
      "suite",
      "--quick",
      "--concurrent-requests",
      String(DEMO_CONCURRENCY),
      "--api-url",
      distributed.apiUrl,
      "--grpc-target",
      distributed.grpcTarget,
      "--single-device-api-url",
      single.apiUrl,
      "--single-device-grpc-target",
      single.grpcTarget,
      "--output-dir",
      outputDir,
      "--hardware",
      describeThisMachine(),
    ],
    { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() },
  );
} catch (err) {
  if (!(err instanceof SimClusterStartError)) throw err;
  console.error(`demo: ${err.message}`);
  code = 2;
} finally {
  await stopClusters();
}
console.log(
  `\nDemo finished in ${((performance.now() - started) / 1000).toFixed(1)} s with exit code ${code}.`,
);
process.exitCode = code;

/** The fingerprint's hardware: the simulated cluster and the real machine it ran on. */
function describeThisMachine(): string {
  const cpu = cpus()[0]?.model.trim() || "unknown CPU";
  const gib = Math.round(totalmem() / 1024 ** 3);
  return `reference cluster (simulated) on ${cpu}, ${cpus().length} cores, ${gib} GiB, ${osType()} ${arch()}`;
}
