import { startReferenceCluster } from "@mlxbench/sim";
import { runCli } from "./run-cli.js";

// `npm run demo`: the embedded default. Two reference clusters in this process (three devices,
// and one device for the single-device baseline), the quick suite against them through the CLI,
// and the verdict. Needs no Redis, S3 or GitHub.
const outputDir = process.argv[2] ?? "benchmark_results";
const started = performance.now();
console.log(
  "Starting the reference cluster (3 devices) and a single-device reference for the comparison…",
);
const distributed = await startReferenceCluster({ devices: 3, seed: 42 });
const single = await startReferenceCluster({ devices: 1, seed: 43 });
let code: number;
try {
  console.log(
    `  distributed:   ${distributed.apiUrl} (gRPC ${distributed.grpcTarget}; ${distributed.devices.map((d) => d.deviceId).join(", ")})`,
  );
  console.log(`  single device: ${single.apiUrl} (gRPC ${single.grpcTarget})`);
  console.log("Running `mlxbench suite --quick` …\n");
  code = await runCli(
    [
      "suite",
      "--quick",
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
      "reference-cluster",
    ],
    { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() },
  );
} finally {
  await Promise.all([distributed.stop(), single.stop()]);
}
console.log(
  `\nDemo finished in ${((performance.now() - started) / 1000).toFixed(1)} s with exit code ${code}.`,
);
process.exitCode = code;
