#!/usr/bin/env bash
# Turns this Mac into an mlxbench runner: checks the prerequisites, creates the dedicated user
# and folders, installs the code, the environment file and the launchd daemon, and starts it.
# Idempotent: run it again after an upgrade or an edit. --dry-run prints every action instead
# of taking it (and works on any system, for review). Secrets are never arguments: they travel
# in the environment file (--env-file), which is installed root:<user> mode 0640.
set -euo pipefail

LABEL=com.mlxbench.worker
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

dry_run=false
prefix=/opt/mlxbench
user=_mlxbench
source_dir=$(cd "$here/.." && pwd)
cluster_dir="${MLX_CLUSTER_DIR:-}"
python=python3
labels=""
env_file=""
start=true
plist_dest="/Library/LaunchDaemons/$LABEL.plist"

usage() {
  cat <<USAGE
usage: sudo $(basename "$0") --cluster-dir DIR [--env-file FILE] [options]
  --cluster-dir DIR  the MLX cluster's checkout (holds run_distributed_openai.py); default \$MLX_CLUSTER_DIR
  --env-file FILE    the worker's environment (from env.example, filled in); installed as <prefix>/etc/worker.env
  --prefix DIR       where everything goes (default $prefix)
  --user NAME        the dedicated user the worker runs as (default $user)
  --source DIR       the mlxbench checkout to install (default $source_dir)
  --python PATH      the cluster's Python (default $python)
  --labels L1,L2     runner pools this cluster serves (RUNNER_LABELS; docs/install.md, Runner pools)
  --no-start         install without (re)starting the daemon
  --dry-run          print every action instead of taking it
USAGE
}

die() {
  printf 'install: %s\n' "$*" >&2
  exit 1
}
say() { printf '%s\n' "$*"; }

while (($#)); do
  case "$1" in
    --dry-run) dry_run=true ;;
    --no-start) start=false ;;
    --prefix | --user | --source | --cluster-dir | --python | --env-file | --labels)
      (($# >= 2)) || die "$1 needs a value"
      case "$1" in
        --prefix) prefix="$2" ;;
        --user) user="$2" ;;
        --source) source_dir="$2" ;;
        --cluster-dir) cluster_dir="$2" ;;
        --python) python="$2" ;;
        --env-file) env_file="$2" ;;
        --labels) labels="$2" ;;
      esac
      shift
      ;;
    -h | --help)
      usage
      exit 0
      ;;
    *)
      usage >&2
      die "unknown argument: $1"
      ;;
  esac
  shift
done

# Shown quoted so a dry run can be pasted; executed as given otherwise.
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

# Writes a template with @PREFIX@, @USER@, @CLUSTER_DIR@, @PYTHON@ and @LABELS@ filled in, owned by root:group.
render() {
  local src="$1" dest="$2" mode="$3" group="$4"
  if $dry_run; then
    printf '[dry-run] render %q -> %q (mode %s, root:%s; @PREFIX@=%q @USER@=%q @CLUSTER_DIR@=%q @PYTHON@=%q)\n' \
      "$src" "$dest" "$mode" "$group" "$prefix" "$user" "$cluster_dir" "$python"
    return
  fi
  printf '+ render %q -> %q\n' "$src" "$dest"
  local tmp
  tmp=$(mktemp)
  sed -e "s|@PREFIX@|$prefix|g" -e "s|@USER@|$user|g" -e "s|@CLUSTER_DIR@|$cluster_dir|g" -e "s|@PYTHON@|$python|g" -e "s|@LABELS@|$labels|g" "$src" >"$tmp"
  install -m "$mode" -o root -g "$group" "$tmp" "$dest"
  rm -f "$tmp"
}

# --- arguments
[[ "$prefix" == /* && "$prefix" != "/" && "$prefix" != *"|"* ]] || die "--prefix must be an absolute path other than /, got '$prefix'"
[[ "$user" =~ ^_?[a-z][a-z0-9_-]{0,30}$ ]] || die "--user must be a short lower-case name, got '$user'"
is_macos=false
[[ "$(uname -s)" == Darwin ]] && is_macos=true
if ! $dry_run; then
  $is_macos || die "installs a launchd daemon: macOS only (--dry-run shows the actions anywhere)"
  ((EUID == 0)) || die "must run as root: sudo $0 $*"
fi
$is_macos || say "note: not macOS: dry run only; macOS tools (dscl, launchctl, plutil) are shown, not run"

# --- prerequisites: the worker's, then the cluster's
say "== checking prerequisites"
command -v node >/dev/null 2>&1 || die "node is not on PATH: install Node.js 20 or newer (brew install node@20)"
node_version=$(node -p 'process.versions.node')
((${node_version%%.*} >= 20)) || die "Node.js $node_version is too old: 20 or newer is needed"
command -v npm >/dev/null 2>&1 || die "npm is not on PATH"
command -v git >/dev/null 2>&1 || die "git is not on PATH: xcode-select --install"
# 2.31 reads settings from GIT_CONFIG_COUNT: the clone token travels there, not on the command line.
git_version=$(git --version | sed -E 's/^git version ([0-9]+\.[0-9]+(\.[0-9]+)?).*/\1/')
IFS=. read -r git_major git_minor _ <<<"$git_version"
((git_major > 2 || (git_major == 2 && git_minor >= 31))) 2>/dev/null ||
  die "git $git_version is too old: 2.31 or newer is needed (brew install git, or xcode-select --install)"
command -v rsync >/dev/null 2>&1 || die "rsync is not on PATH"
[[ -z "$labels" || "$labels" =~ ^[A-Za-z0-9_.-]{1,64}(,[A-Za-z0-9_.-]{1,64})*$ ]] ||
  die "--labels '$labels': labels are A-Z a-z 0-9 _ . - separated by commas (no spaces or shell characters)"
command -v "$python" >/dev/null 2>&1 || die "the cluster's Python '$python' is not on PATH (--python PATH)"
python_version=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
[[ -n "$cluster_dir" ]] || die "--cluster-dir is required (or MLX_CLUSTER_DIR): the MLX cluster's checkout"
# These go into the plist (XML) through sed: keep them plain paths.
for value in "$prefix" "$cluster_dir" "$python"; do
  [[ "$value" != *[\|\&\<\>]* ]] || die "paths must not contain |, &, < or >: '$value'"
done
[[ -d "$cluster_dir" ]] || die "--cluster-dir $cluster_dir does not exist"
[[ -f "$cluster_dir/run_distributed_openai.py" ]] || die "--cluster-dir $cluster_dir has no run_distributed_openai.py: is it the MLX cluster's checkout?"
[[ -f "$source_dir/package.json" && -d "$source_dir/runner-macos" ]] || die "--source $source_dir is not an mlxbench checkout"
if [[ -n "$env_file" ]]; then
  [[ -r "$env_file" ]] || die "--env-file $env_file is not readable"
  ! grep -q 'CHANGE-ME' "$env_file" || die "--env-file $env_file still holds CHANGE-ME values: fill them in first"
fi
say "node $node_version, $(git --version), python $python_version, cluster at $cluster_dir"

# --- the dedicated user: no shell, no password, hidden from the login window
say "== user $user"
if $is_macos && dscl . -read "/Users/$user" >/dev/null 2>&1; then
  say "user $user exists: kept"
elif ! $is_macos && id "$user" >/dev/null 2>&1; then
  say "user $user exists: kept"
else
  if $is_macos; then
    used=$( (dscl . -list /Users UniqueID; dscl . -list /Groups PrimaryGroupID) | awk '{ print $2 }')
    id=""
    for candidate in $(seq 400 499); do
      grep -qx "$candidate" <<<"$used" || { id=$candidate; break; }
    done
    [[ -n "$id" ]] || die "no free user and group id in 400-499"
  else
    id=400 # what a dry run shows; on macOS the first id free for both user and group in 400-499
  fi
  run dscl . -create "/Groups/$user"
  run dscl . -create "/Groups/$user" PrimaryGroupID "$id"
  run dscl . -create "/Groups/$user" RealName "mlxbench runner"
  run dscl . -create "/Users/$user"
  run dscl . -create "/Users/$user" UniqueID "$id"
  run dscl . -create "/Users/$user" PrimaryGroupID "$id"
  run dscl . -create "/Users/$user" UserShell /usr/bin/false
  run dscl . -create "/Users/$user" NFSHomeDirectory "$prefix/work"
  run dscl . -create "/Users/$user" RealName "mlxbench runner"
  run dscl . -create "/Users/$user" Password '*'
  run dscl . -create "/Users/$user" IsHidden 1
fi

# --- folders: code and config belong to root (the worker cannot change them), state to the user
say "== folders under $prefix"
run install -d -m 0755 -o root -g wheel "$prefix" "$prefix/app" "$prefix/bin" "$prefix/hooks"
run install -d -m 0750 -o root -g "$user" "$prefix/etc"
run install -d -m 0750 -o "$user" -g "$user" "$prefix/log" "$prefix/run" "$prefix/work"

# --- code
say "== code from $source_dir"
run rsync -a --delete --exclude .git --exclude node_modules --exclude cdk.out --exclude benchmark_results "$source_dir/" "$prefix/app/"
run npm ci --prefix "$prefix/app" --no-audit --no-fund
run install -m 0755 -o root -g wheel "$here/bin/mlxbench-worker.sh" "$here/fingerprint.sh" "$prefix/bin/"
run install -m 0755 -o root -g wheel "$here/hooks/cluster-start.sh" "$here/hooks/cluster-stop.sh" "$prefix/hooks/"

# --- environment file
say "== environment $prefix/etc/worker.env"
env_ready=true
if [[ -n "$env_file" ]]; then
  run install -m 0640 -o root -g "$user" "$env_file" "$prefix/etc/worker.env"
elif [[ -e "$prefix/etc/worker.env" ]]; then
  say "kept the existing $prefix/etc/worker.env"
  run chown "root:$user" "$prefix/etc/worker.env"
  run chmod 0640 "$prefix/etc/worker.env"
  if grep -q 'CHANGE-ME' "$prefix/etc/worker.env" 2>/dev/null; then env_ready=false; fi
else
  run install -m 0640 -o root -g "$user" "$here/env.example" "$prefix/etc/worker.env"
  env_ready=false
fi

# --- launchd
say "== launchd daemon $LABEL"
render "$here/com.mlxbench.worker.plist" "$plist_dest" 0644 wheel
run plutil -lint "$plist_dest"
if ! $start; then
  say "not started (--no-start): sudo launchctl bootstrap system $plist_dest"
elif ! $env_ready; then
  say "not started: fill in $prefix/etc/worker.env (every CHANGE-ME), then run this script again"
else
  if $is_macos && launchctl print "system/$LABEL" >/dev/null 2>&1; then
    run launchctl bootout "system/$LABEL"
  elif ! $is_macos; then
    say "[dry-run] (only if already loaded) launchctl bootout system/$LABEL"
  fi
  run launchctl enable "system/$LABEL"
  run launchctl bootstrap system "$plist_dest"
fi

say "== done"
say "logs: $prefix/log/worker.out.log and worker.err.log; status: sudo launchctl print system/$LABEL"
say "hardware fingerprint: $prefix/bin/fingerprint.sh"
