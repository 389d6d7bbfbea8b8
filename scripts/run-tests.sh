#!/usr/bin/env bash
# `npm test`: every test group runs and reports, even when an earlier one fails (a `&&` chain hid
# the end-to-end tests whenever a unit test failed). The end-to-end files run three at a time, the
# two longest first (vitest.config.ts): only pipeline-confirmation{,-spike}.test.ts decide a verdict
# on this machine's wall clock (A/B/B/A pairs of a 1.3× slowdown, and of a restart of the same
# code), each in a repository of its own, and their neighbours (pipeline-compare, pipeline.e2e
# asserts mechanics, pipeline-verdict judges recorded samples, fleet runs stand-in jobs) mostly
# wait on the cluster's modelled token times. The unit group (two CPU-bound files at a time) runs after
# it: beside the pairs, at load average 10-13, it made the same-code pairs' interval straddle the
# threshold.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2

names=()
codes=()
run_group() {
  local name=$1
  shift
  printf '\n== test group: %s\n' "$name"
  "$@"
  local code=$?
  names+=("$name")
  codes+=("$code")
}

# The end-to-end group first: it mostly waits on the cluster's modelled token times, so .ci/run
# runs the typecheck and the lint beside it.
# Three at a time: the two A/B confirmation files take about 270 s each at load average 10, and
# pipeline.e2e 175 s; two at a time left pipeline.e2e to start after them (452 s for the group).
run_group "end-to-end (worker/test)" npx vitest run worker/test --maxWorkers=3 "$@"
run_group "unit and integration" npx vitest run --exclude "worker/test/**" "$@"

printf '\n== test groups\n'
failed=0
for i in "${!names[@]}"; do
  if [[ ${codes[$i]} -eq 0 ]]; then
    printf '  passed  %s\n' "${names[$i]}"
  else
    printf '  FAILED  %s (exit %s)\n' "${names[$i]}" "${codes[$i]}"
    failed=1
  fi
done
exit "$failed"
