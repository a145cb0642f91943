#!/usr/bin/env bash
# Build (once) and link the pinned oha HTTP load generator, from crates.io.
#
#   scripts/oha.sh  -> builds oha into the tool cache if missing, links <repo>/.tools/bin/oha,
#                      prints that path last (cache and locking: scripts/pinned-tool.sh).
# Needs:  cargo (rustc >= oha's rust-version, 1.88 for 1.16.0) and crates.io.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/pinned-tool.sh"

TOOL=oha
VERSION="1.16.0" # pinned: newest oha release on crates.io
BIN_REL=bin/oha
NEEDS=cargo

is_pinned() {
  [ -x "$1" ] && [ "$("$1" --version 2>/dev/null | head -n1)" = "oha $VERSION" ]
}

build() {
  log "with $(cargo --version)"
  # Own target dir under the scratch folder: removed afterwards, never shared with other builds.
  CARGO_TARGET_DIR="$1/target" cargo install oha --locked --version "$VERSION" --root "$1/root" &&
    mv "$1/root/bin/oha" "$1/oha"
}

pinned_tool
