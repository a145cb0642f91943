#!/usr/bin/env bash
# wrk, the peak load generator for plain request/response workloads, from Debian's package
# (installed when missing, as root), linked at <repo>/.tools/bin/wrk. Last line: the path.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if ! command -v wrk >/dev/null 2>&1; then
  [ "$(id -u)" -eq 0 ] || { echo "wrk.sh: wrk is missing; install it with: sudo apt-get install -y wrk" >&2; exit 1; }
  echo "wrk.sh: installing wrk from Debian's packages" >&2
  apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >&2
fi
mkdir -p "$repo/.tools/bin"
ln -sf "$(command -v wrk)" "$repo/.tools/bin/wrk"
echo "$repo/.tools/bin/wrk"
