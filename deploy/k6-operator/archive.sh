#!/usr/bin/env bash
# Print the ConfigMap holding a k6 archive of one workload script, for the k6 operator.
#
#   bash deploy/k6-operator/archive.sh <family> [k6 archive flags] | kubectl apply -f -
#   bash deploy/k6-operator/archive.sh json -e WORKLOAD=json-small -e VUS=200 -e DURATION=60s -e WARMUP=10s
#
# The archive (workloads/<family>.js with every module it imports and every fixture it opens)
# keeps the options it was made with, so everything that shapes the scenarios — WORKLOAD, MODE,
# VUS, DURATION, RATE, PRE_VUS, MAX_VUS, WARMUP — goes here, not into the TestRun; the script
# refuses a run whose scenarios differ from what its environment plans. BASE_URL belongs in the
# TestRun's arguments. ConfigMap: gauntlet-k6-<family>, key <family>.tar (binaryData; the
# 1 MiB ConfigMap limit leaves room: the largest, multipart, is ~180 KB).
set -euo pipefail

die() { echo "archive.sh: error: $*" >&2; exit 1; }

[ $# -ge 1 ] || die "usage: archive.sh <family> [k6 archive flags, e.g. -e WORKLOAD=json-small -e VUS=200]"
family="$1"
shift
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
script="$repo/workloads/$family.js"
[ -f "$script" ] || die "no script $script"
k6="${K6:-$repo/.tools/bin/k6}"
[ -x "$k6" ] || die "no k6 at $k6 (bash scripts/k6.sh builds it, or set K6)"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
K6_NO_USAGE_REPORT=true K6_AUTO_EXTENSION_RESOLUTION=false \
  "$k6" archive --quiet "$@" -O "$tmp/$family.tar" "$script" >&2 || die "k6 archive failed"

cat <<YAML
apiVersion: v1
kind: ConfigMap
metadata:
  name: gauntlet-k6-$family
binaryData:
  $family.tar: $(base64 -w0 "$tmp/$family.tar")
YAML
