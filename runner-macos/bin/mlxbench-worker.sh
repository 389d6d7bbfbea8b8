#!/usr/bin/env bash
# launchd's entry for the worker: load the environment file, then run `npm run worker`.
# The file is parsed, never sourced, so a value can hold any character and runs no code.
set -euo pipefail

prefix="${MLXBENCH_PREFIX:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
env_file="${MLXBENCH_ENV_FILE:-$prefix/etc/worker.env}"
app_dir="${MLXBENCH_APP_DIR:-$prefix/app}"

die() {
  printf 'mlxbench-worker: %s\n' "$*" >&2
  exit 1
}

[[ -r "$env_file" ]] || die "cannot read the environment file $env_file (see runner-macos/env.example)"

# A world-readable env file leaks the App's private key to every local user.
if [[ "$(uname -s)" == Darwin ]]; then perms=$(stat -f '%Lp' "$env_file"); else perms=$(stat -c '%a' "$env_file"); fi
((8#$perms & 8#007)) && die "$env_file is readable by others (mode $perms): chmod 0640 it"

line_no=0
while IFS= read -r line || [[ -n "$line" ]]; do
  line_no=$((line_no + 1))
  [[ "$line" =~ ^[[:space:]]*(#|$) ]] && continue
  [[ "$line" =~ ^[[:space:]]*([A-Za-z_][A-Za-z0-9_]*)=(.*)$ ]] ||
    die "$env_file line $line_no: expected KEY=value"
  key="${BASH_REMATCH[1]}"
  value="${BASH_REMATCH[2]}"
  if [[ "$value" =~ ^\"(.*)\"$ || "$value" =~ ^\'(.*)\'$ ]]; then value="${BASH_REMATCH[1]}"; fi
  export "$key=$value"
done <"$env_file"

export MLXBENCH_RUN_DIR="${MLXBENCH_RUN_DIR:-$prefix/run}"
export MLXBENCH_HOOKS_DIR="${MLXBENCH_HOOKS_DIR:-$prefix/hooks}"

if [[ "${1:-}" == "--print-env-names" ]]; then
  # For tests and debugging: the names that were loaded, never the values.
  compgen -e | sort
  exit 0
fi

cd "$app_dir"
exec npm run worker
