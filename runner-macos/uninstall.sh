#!/usr/bin/env bash
# Stops and removes the mlxbench runner's launchd daemon. Keeps the user, the environment file and
# the logs unless --purge. Idempotent; --dry-run prints every action instead of taking it.
set -euo pipefail

LABEL=com.mlxbench.worker
dry_run=false
purge=false
prefix=/opt/mlxbench
user=_mlxbench
plist_dest="/Library/LaunchDaemons/$LABEL.plist"

die() {
  printf 'uninstall: %s\n' "$*" >&2
  exit 1
}
say() { printf '%s\n' "$*"; }

while (($#)); do
  case "$1" in
    --dry-run) dry_run=true ;;
    --purge) purge=true ;;
    --prefix | --user)
      (($# >= 2)) || die "$1 needs a value"
      if [[ "$1" == --prefix ]]; then prefix="$2"; else user="$2"; fi
      shift
      ;;
    -h | --help)
      say "usage: sudo $(basename "$0") [--purge] [--prefix DIR] [--user NAME] [--dry-run]"
      exit 0
      ;;
    *) die "unknown argument: $1" ;;
  esac
  shift
done

run() {
  local shown
  shown=$(printf '%q ' "$@")
  if $dry_run; then
    printf '[dry-run] %s\n' "${shown% }"
  else
    printf '+ %s\n' "${shown% }"
    "$@"
  fi
}

[[ "$prefix" == /* && "$prefix" != "/" ]] || die "--prefix must be an absolute path other than /, got '$prefix'"
[[ "$user" =~ ^_?[a-z][a-z0-9_-]{0,30}$ ]] || die "--user must be a short lower-case name, got '$user'"
is_macos=false
[[ "$(uname -s)" == Darwin ]] && is_macos=true
if ! $dry_run; then
  $is_macos || die "removes a launchd daemon: macOS only (--dry-run shows the actions anywhere)"
  ((EUID == 0)) || die "must run as root: sudo $0 $*"
fi

say "== launchd daemon $LABEL"
if $is_macos && launchctl print "system/$LABEL" >/dev/null 2>&1; then
  run launchctl bootout "system/$LABEL"
elif ! $is_macos; then
  say "[dry-run] (only if loaded) launchctl bootout system/$LABEL"
else
  say "not loaded"
fi
if [[ -e "$plist_dest" ]] || ! $is_macos; then run rm -f "$plist_dest"; fi

say "== cluster"
if [[ -x "$prefix/hooks/cluster-stop.sh" ]]; then
  run env "MLXBENCH_RUN_DIR=$prefix/run" "$prefix/hooks/cluster-stop.sh"
else
  say "no stop hook at $prefix/hooks: nothing to stop"
fi

if ! $purge; then
  say "kept $prefix (environment file, logs) and user $user; --purge removes them"
  exit 0
fi

say "== purge"
if [[ -e "$prefix" ]] || ! $is_macos; then run rm -rf "$prefix"; fi
if $is_macos && dscl . -read "/Users/$user" >/dev/null 2>&1; then
  run dscl . -delete "/Users/$user"
elif ! $is_macos; then
  run dscl . -delete "/Users/$user"
fi
if $is_macos && dscl . -read "/Groups/$user" >/dev/null 2>&1; then
  run dscl . -delete "/Groups/$user"
elif ! $is_macos; then
  run dscl . -delete "/Groups/$user"
fi
say "== done"
