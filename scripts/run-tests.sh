#!/usr/bin/env bash
# `npm test`: every test group runs and reports, even when another one fails (a `&&` chain hid
# the end-to-end tests whenever a unit test failed). Two groups run side by side:
# - the timed group, worker/test/pipeline-confirmation.test.ts alone in its own vitest: the one
#   file that decides a verdict on this machine's wall clock (a 1.3× slowdown against a restart of
#   the same code, in A/B/B/A pairs that run back to back, so load that lasts a pair cancels out);
# - everything else (unit, integration, and the end-to-end files that assert the pipeline's
#   mechanics or judge recorded samples), two files at a time. None of them decides a timing
#   verdict, so the timed file's neighbours only make them slower, never wrong.
# The timed group's output is printed after the other's, so the two never interleave.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2

TIMED=worker/test/pipeline-confirmation.test.ts

names=()
codes=()
record() {
  names+=("$1")
  codes+=("$2")
}

timed_log=$(mktemp)
npx vitest run "$TIMED" "$@" >"$timed_log" 2>&1 &
timed_pid=$!
trap 'kill "$timed_pid" 2>/dev/null; rm -f "$timed_log"' EXIT

printf '\n== test group: unit, integration and end-to-end mechanics (the timed group runs beside it, output below)\n'
npx vitest run --exclude "$TIMED" "$@"
record "unit, integration and end-to-end mechanics" $?

wait "$timed_pid"
timed_code=$?
printf '\n== test group: end-to-end, timed (%s)\n' "$TIMED"
cat "$timed_log"
record "end-to-end, timed ($TIMED)" "$timed_code"

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
