#!/usr/bin/env bash
# Build (once) and link the pinned k6 load generator, from the Go module proxy.
#
#   scripts/k6.sh   -> builds k6 into the tool cache if missing, links <repo>/.tools/bin/k6,
#                      prints that path last (cache and locking: scripts/pinned-tool.sh).
# Needs:  go (>= the go directive of k6's go.mod) and the Go module proxy.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/pinned-tool.sh"

TOOL=k6
VERSION="v1.8.1" # pinned: newest v1 release on the Go module proxy
BIN_REL=k6
NEEDS=go

is_pinned() {
  [ -x "$1" ] || return 1
  case "$("$1" version 2>/dev/null | head -n1)" in *"k6 $VERSION"*) return 0 ;; *) return 1 ;; esac
}

build() {
  log "with $(go version | awk '{print $3}')"
  # CGO_ENABLED=0 as in k6's own release builds (static binary).
  CGO_ENABLED=0 GOBIN="$1" go install "go.k6.io/k6@$VERSION"
}

pinned_tool
