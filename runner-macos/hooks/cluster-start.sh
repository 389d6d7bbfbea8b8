#!/usr/bin/env bash
# Starts the MLX cluster's coordinator in one mode and waits until it serves the model.
#   cluster-start.sh distributed|single
# Environment: MLX_CLUSTER_DIR (required: the cluster's checkout, with run_distributed_openai.py),
# CLUSTER_PYTHON (python3), CLUSTER_API_URL (http://localhost:8100), CLUSTER_READY_TIMEOUT
# (seconds, 600), MLXBENCH_RUN_DIR (pid and log files; /tmp). Exit 0 once /health reports
# status "healthy" with model_loaded true; 1 on a failed start (the process is stopped again);
# 2 on bad usage; 3 when a cluster this hook started is still running.
set -euo pipefail

mode="${1:-}"
case "$mode" in
  distributed) distributed=true ;;
  single) distributed=false ;;
  *)
    printf 'usage: %s distributed|single\n' "$(basename "$0")" >&2
    exit 2
    ;;
esac

die() {
  printf 'cluster-start: %s\n' "$*" >&2
  exit "${2:-1}"
}

cluster_dir="${MLX_CLUSTER_DIR:-}"
python="${CLUSTER_PYTHON:-python3}"
api_url="${CLUSTER_API_URL:-http://localhost:8100}"
timeout_s="${CLUSTER_READY_TIMEOUT:-600}"
run_dir="${MLXBENCH_RUN_DIR:-/tmp}"
pid_file="$run_dir/mlx-cluster.pid"
log_file="$run_dir/mlx-cluster.log"

[[ -n "$cluster_dir" ]] || die "MLX_CLUSTER_DIR is not set (the cluster's checkout)" 2
[[ -f "$cluster_dir/run_distributed_openai.py" ]] || die "MLX_CLUSTER_DIR=$cluster_dir has no run_distributed_openai.py" 2
[[ "$timeout_s" =~ ^[0-9]+$ && "$timeout_s" -gt 0 ]] || die "CLUSTER_READY_TIMEOUT must be a positive number of seconds, got '$timeout_s'" 2
command -v "$python" >/dev/null 2>&1 || die "CLUSTER_PYTHON=$python is not on PATH" 2
mkdir -p "$run_dir"

if [[ -f "$pid_file" ]]; then
  old_pid=$(cat "$pid_file")
  if [[ "$old_pid" =~ ^[0-9]+$ ]] && kill -0 "$old_pid" 2>/dev/null; then
    die "a cluster is already running (pid $old_pid, $pid_file): run cluster-stop.sh first" 3
  fi
  rm -f "$pid_file"
fi

# Job control puts the cluster in its own process group, so the stop hook reaches its children too.
set -m
printf '\n=== %s: starting in %s mode (DISTRIBUTED=%s)\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$mode" "$distributed" >>"$log_file"
(cd "$cluster_dir" && DISTRIBUTED="$distributed" exec "$python" run_distributed_openai.py) >>"$log_file" 2>&1 </dev/null &
pid=$!
set +m
printf '%s\n' "$pid" >"$pid_file"
printf 'cluster-start: %s mode, pid %s, log %s\n' "$mode" "$pid" "$log_file"

# Ready means status "healthy" and model_loaded true (the cluster contract's /health).
health_state() {
  "$python" - "$api_url/health" <<'PY'
import json, sys, urllib.request
try:
    with urllib.request.urlopen(sys.argv[1], timeout=2) as r:
        body = json.load(r)
except Exception as e:  # not up yet, or not JSON yet
    print(f"unreachable ({e.__class__.__name__})")
    sys.exit(1)
ready = body.get("status") == "healthy" and body.get("model_loaded") is True
print("ready" if ready else f"status={body.get('status')!r} model_loaded={body.get('model_loaded')!r}")
sys.exit(0 if ready else 1)
PY
}

stop_started() {
  "$(dirname "${BASH_SOURCE[0]}")/cluster-stop.sh" >&2 || true
}

deadline=$((SECONDS + timeout_s))
state="not polled"
while ((SECONDS < deadline)); do
  if ! kill -0 "$pid" 2>/dev/null; then
    rm -f "$pid_file"
    printf 'cluster-start: last lines of %s:\n' "$log_file" >&2
    tail -n 20 "$log_file" >&2 || true
    die "the cluster exited before it was ready"
  fi
  if state=$(health_state); then
    printf 'cluster-start: ready at %s after %ss\n' "$api_url" "$((timeout_s - (deadline - SECONDS)))"
    exit 0
  fi
  sleep 1
done
stop_started
die "not ready within ${timeout_s}s at $api_url/health (last: $state); log: $log_file"
