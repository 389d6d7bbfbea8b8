#!/usr/bin/env bash
# Stops the cluster that cluster-start.sh started: SIGTERM to its process group, SIGKILL after
# CLUSTER_STOP_TIMEOUT seconds (30). Idempotent: nothing to stop is success.
set -euo pipefail

run_dir="${MLXBENCH_RUN_DIR:-/tmp}"
pid_file="$run_dir/mlx-cluster.pid"
timeout_s="${CLUSTER_STOP_TIMEOUT:-30}"

[[ "$timeout_s" =~ ^[0-9]+$ ]] || {
  printf 'cluster-stop: CLUSTER_STOP_TIMEOUT must be a number of seconds, got %s\n' "$timeout_s" >&2
  exit 2
}

if [[ ! -f "$pid_file" ]]; then
  printf 'cluster-stop: no pid file %s, nothing to stop\n' "$pid_file"
  exit 0
fi
pid=$(cat "$pid_file")
if [[ ! "$pid" =~ ^[0-9]+$ ]]; then
  printf 'cluster-stop: %s holds no pid (%s); removing it\n' "$pid_file" "$pid" >&2
  rm -f "$pid_file"
  exit 0
fi

signal() {
  # The process group first (the cluster's children), the process itself if it leads no group.
  kill "-$1" -- "-$pid" 2>/dev/null || kill "-$1" "$pid" 2>/dev/null || true
}

if kill -0 "$pid" 2>/dev/null; then
  signal TERM
  deadline=$((SECONDS + timeout_s))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
  if kill -0 "$pid" 2>/dev/null; then
    printf 'cluster-stop: pid %s ignored SIGTERM for %ss; sending SIGKILL\n' "$pid" "$timeout_s" >&2
    signal KILL
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  fi
  printf 'cluster-stop: stopped pid %s\n' "$pid"
else
  printf 'cluster-stop: pid %s was not running\n' "$pid"
fi
rm -f "$pid_file"
