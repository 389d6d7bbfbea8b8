#!/usr/bin/env bash
# Prints this machine's hardware fingerprint as one line of JSON; `hardware` is the summary that
# results carry (runs compare only on equal hardware). --summary prints only that summary.
# macOS: sysctl and sw_vers. Linux (tests, CI): /proc and /etc/os-release.
set -euo pipefail

json_string() {
  local s="$1"
  s="${s//\\/\\\\}"
  s="${s//\"/\\\"}"
  s="${s//$'\t'/ }"
  printf '"%s"' "$s"
}

case "$(uname -s)" in
  Darwin)
    chip=$(sysctl -n machdep.cpu.brand_string)
    memory_bytes=$(sysctl -n hw.memsize)
    cpu_count=$(sysctl -n hw.ncpu)
    os="macOS"
    os_version=$(sw_vers -productVersion)
    os_build=$(sw_vers -buildVersion)
    ;;
  Linux)
    chip=$(awk -F': *' '/^(model name|Hardware|Model)[[:space:]]*:/ { print $2; exit }' /proc/cpuinfo)
    [[ -n "$chip" ]] || chip="unknown $(uname -m) CPU"
    memory_bytes=$(($(awk '/^MemTotal:/ { print $2 }' /proc/meminfo) * 1024))
    cpu_count=$(grep -c '^processor' /proc/cpuinfo)
    os="Linux"
    os_version=$(awk -F= '$1 == "PRETTY_NAME" { gsub(/^"|"$/, "", $2); print $2 }' /etc/os-release 2>/dev/null || true)
    [[ -n "$os_version" ]] || os_version="unknown"
    os_build=$(uname -r)
    ;;
  *)
    printf 'fingerprint: unsupported system %s\n' "$(uname -s)" >&2
    exit 1
    ;;
esac

memory_gb=$(((memory_bytes + 536870912) / 1073741824))
hardware="$chip, ${memory_gb} GB, $os $os_version"

if [[ "${1:-}" == "--summary" ]]; then
  printf '%s\n' "$hardware"
  exit 0
fi

printf '{"hardware":%s,"chip":%s,"memory_bytes":%s,"cpu_count":%s,"arch":%s,"os":%s,"os_version":%s,"os_build":%s}\n' \
  "$(json_string "$hardware")" "$(json_string "$chip")" "$memory_bytes" "$cpu_count" \
  "$(json_string "$(uname -m)")" "$(json_string "$os")" "$(json_string "$os_version")" "$(json_string "$os_build")"
