#!/usr/bin/env bash
# Build (once per source version) and link Gauntlet's own load client, tools/loadgen (Go).
#
#   scripts/loadgen.sh   -> builds loadgen into the tool cache if missing, links
#                           <repo>/.tools/bin/loadgen, prints that path last (cache and locking:
#                           scripts/pinned-tool.sh).
# Version: "src-" + the first 16 hex digits of a SHA-256 over the module's build inputs (go.mod,
# go.sum and every non-test .go file, names and contents), so any change to the source rebuilds.
# Needs:  go (>= the go directive of tools/loadgen/go.mod) and the Go module proxy for the pinned
#         dependencies (go.sum) on the first build.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/pinned-tool.sh"

TOOL=loadgen
BIN_REL=loadgen
NEEDS=go
SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/tools/loadgen"

source_hash() {
  local f sha
  if command -v sha256sum >/dev/null 2>&1; then sha=(sha256sum); else sha=(shasum -a 256); fi
  (
    cd "$SRC"
    find . -type f \( -name '*.go' -o -name go.mod -o -name go.sum \) ! -name '*_test.go' ! -path '*/testdata/*' |
      LC_ALL=C sort | while IFS= read -r f; do
        printf '%s\0' "$f"
        cat "$f"
        printf '\0'
      done
  ) | "${sha[@]}" | cut -c1-16
}

[ -f "$SRC/go.mod" ] && [ -f "$SRC/go.sum" ] || die "missing $SRC/go.mod or go.sum"
VERSION="src-$(source_hash)"

is_pinned() {
  [ -x "$1" ] || return 1
  [ "$("$1" version 2>/dev/null | head -n1)" = "loadgen $VERSION" ]
}

build() {
  log "with $(go version | awk '{print $3}') from $SRC"
  # Static binary; -mod=readonly: dependencies exactly as pinned in go.mod/go.sum (fetched from the
  # Go module proxy into the module cache on first use); GOWORK=off: ignore any enclosing go.work.
  (cd "$SRC" && CGO_ENABLED=0 GOWORK=off GOFLAGS=-mod=readonly \
    go build -trimpath -buildvcs=false -ldflags "-s -w -X main.version=$VERSION" -o "$1/loadgen" .)
}

pinned_tool
