export const COMMANDS = ["suite", "validate", "comprehensive", "compare", "communication"] as const;
export type Command = (typeof COMMANDS)[number];

export const USAGE = `mlxbench — benchmark a distributed MLX inference cluster

Usage:
  mlxbench suite [options]                 all components, executive summary, deployment readiness
  mlxbench validate [options]              readiness, devices, gRPC, tensor round trip, inference, fixes
  mlxbench comprehensive [options]         serialization, latency, throughput, resources
  mlxbench compare [options]               single device vs distributed (both measured)
  mlxbench communication --server HOST:PORT [options]
  mlxbench history import FILE|--from-archive DIR --repo OWNER/NAME [options]
                                           seed the archive with a github-action-benchmark history
  mlxbench --help                          (mlxbench history --help for the import's options)

Cluster:
  --target mlx-cluster|openai    what is measured: the MLX cluster (HTTP + gRPC) or any
                                 OpenAI-compatible server (HTTP only; gRPC parts not applicable).
                                 Default: cluster.target, else detected from /distributed/status
  --api-url URL                  HTTP API of the cluster (default http://localhost:8100)
  --grpc-target HOST:PORT        gRPC address of rank 0, not the HTTP port (default localhost:50100)
  --single-device-api-url URL    the same model on one device, for the comparison
  --single-device-grpc-target HOST:PORT
  --server HOST:PORT             gRPC server to measure (communication only)
  --config FILE                  .mlxbench.yml (default: ./.mlxbench.yml when present)
  --profile pull_request|default_branch
                                 which suite options of the config apply (default pull_request)
  --readiness-timeout SECONDS    wait this long for the server to report ready (config default 120)
  --model NAME                   model for chat requests (default: first of /v1/models)
  --hardware LABEL               hardware label of the result's fingerprint

Suite:
  --output-dir DIR               default benchmark_results
  --quick                        reduced iterations for a fast run
  --skip-validation              skip the validation component
  --skip-communication           skip the communication component
  --baseline DIR                 compare with the run result of an earlier output directory

Iterations (each a positive integer; quick-mode defaults in brackets):
  --iterations-comprehensive N   comprehensive repetitions: tensor and inference iterations
  --iterations-validation N      validation requests and tensor round trips per device (5) [2]
  --iterations-performance N     comparison repetitions per mode (20) [3]
  --iterations-communication N   same as --communication-iterations
  --tensor-iterations N          tensor serialization iterations (1000) [20]
  --inference-iterations N       sequential inference requests (50) [6]
  --concurrent-requests N        concurrency of the throughput tests (10) [4]
  --communication-iterations N   communication repetitions (100) [10]
  --iterations N                 a single component's own iteration count

Output:
  --log-level LEVEL              fatal|error|warn|info|debug (default warn), JSON logs on stderr
  -h, --help                     this text

Exit codes: 0 success · 1 partial success or errors · 2 critical failures or bad usage.
Results: <output-dir>/run_result_<ts>.json, per-component JSON/Markdown/PNG, executive_summary_<ts>.md.
`;

/** Commands outside COMMANDS with their own arguments (run-cli dispatches them before parseCli). */
export const GROUP_COMMANDS = ["history"] as const;

export const HISTORY_USAGE = `mlxbench history import — start the archive with a history

Usage:
  mlxbench history import FILE --repo OWNER/NAME [options]
  mlxbench history import --from-archive DIR --repo OWNER/NAME [--from-repo OWNER/NAME] [options]

FILE is a github-action-benchmark data.js (with or without \`window.BENCHMARK_DATA = \`). Every
commit becomes one default-branch run (run id import-<sha12>-data-js) with a baseline pointer, so
the verdict has a baseline and a run-to-run noise estimate from the first PR on.

Options:
  --repo OWNER/NAME              the repository the runs belong to (required)
  --archive-dir DIR              the archive to write (default: $ARCHIVE_DIR, or S3 when
                                 $ARCHIVE_BUCKET is set as for the worker, else ./archive)
  --default-branch NAME          branch the runs are recorded on (default main)
  --fingerprint-from FILE        a run_result.json (or meta.json) of your cluster: its fingerprint is
                                 attached, so the verdict compares with the imported runs; without
                                 it the runs are marked imported and match no cluster's runs
  --metric NAME=KEY              store bench NAME (or SUITE/NAME) as metric KEY, e.g.
                                 --metric "e2e latency=inference.e2e_ms"; repeatable. Unmapped
                                 benches are kept as imported.<suite>.<bench> (never gated)
  --direction NAME=higher|lower  override the direction inferred from the unit (rates such as
                                 ops/sec, MB/s, Hz: higher is better; else lower); repeatable
  --from-archive DIR             copy the default-branch runs of another mlxbench archive directory
  --from-repo OWNER/NAME         whose runs to copy from DIR (default --repo)
  --private                      mark the runs private (the archive pages hide them)
  --dry-run                      check everything and print the summary, write nothing
  -h, --help                     this text

Importing twice adds nothing; a commit that already has a run of its own is skipped. Zero, negative
and non-numeric values are skipped and counted; a bench whose unit changes is marked invalid and
left out (exit code 1). A file that is not a data.js, or a bad option, writes nothing (exit code 2).
`;
