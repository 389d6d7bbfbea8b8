export const COMMANDS = ["suite", "validate", "comprehensive", "compare", "communication"] as const;
export type Command = (typeof COMMANDS)[number];

export const USAGE = `mlxbench — benchmark a distributed MLX inference cluster

Usage:
  mlxbench suite [options]                 all components, executive summary, deployment readiness
  mlxbench validate [options]              readiness, devices, gRPC, tensor round trip, inference, fixes
  mlxbench comprehensive [options]         serialization, latency, throughput, resources
  mlxbench compare [options]               single device vs distributed (both measured)
  mlxbench communication --server HOST:PORT [options]
  mlxbench --help

Cluster:
  --api-url URL                  HTTP API of the cluster (default http://localhost:8100)
  --grpc-target HOST:PORT        gRPC address of rank 0, not the HTTP port (default localhost:50100)
  --single-device-api-url URL    the same model on one device, for the comparison
  --single-device-grpc-target HOST:PORT
  --server HOST:PORT             gRPC server to measure (communication only)
  --config FILE                  .mlxbench.yml (default: ./.mlxbench.yml when present)
  --profile pull_request|default_branch
                                 which suite options of the config apply (default pull_request)
  --readiness-timeout SECONDS    wait this long for /health to report ready (config default 120)
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
