#!/usr/bin/env bash
# Build (once) and link the pinned hey load generator (seed 003's tool), from the Go module proxy.
#
#   scripts/hey.sh   -> builds hey into the tool cache if missing, links <repo>/.tools/bin/hey,
#                       prints that path last (cache and locking: scripts/pinned-tool.sh).
# Needs:  go (>= the go directive of hey's go.mod, 1.24) and the Go module proxy.
# Used only for seed 003's reference rows (bench/measure/seed003.ts): its `hey -n … -q 100`
# fixed-rate run, reproduced as the seed ran it. Our own fixed-rate cells run on loadgen.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/pinned-tool.sh"

TOOL=hey
VERSION="v0.1.5" # pinned: the only version the Go module proxy lists (go list -m -versions github.com/rakyll/hey)
BIN_REL=hey
NEEDS=go

# hey has no version flag; `go install module@version` records the module's version in the
# binary's build info (what `go version -m` prints), so the pinned version is read from there.
is_pinned() {
  [ -x "$1" ] || return 1
  LC_ALL=C grep -qaF "$(printf 'github.com/rakyll/hey\t%s\t' "$VERSION")" "$1" || return 1
  # It runs: with no URL it prints its usage (and exits 1).
  local usage
  usage="$("$1" 2>&1 || true)"
  [[ $usage == "Usage: hey "* ]]
}

build() {
  log "with $(go version | awk '{print $3}')"
  # CGO_ENABLED=0: a static binary, like the k6 build. Dependencies as hey's go.sum pins them.
  CGO_ENABLED=0 GOBIN="$1" go install "github.com/rakyll/hey@$VERSION"
}

pinned_tool
