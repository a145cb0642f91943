#!/usr/bin/env bash
# Build (once) and link the pinned oha HTTP load generator (crates.io).
#
#   scripts/oha.sh           -> builds oha into the tool cache if missing, links
#                               <repo>/.tools/bin/oha, prints that path last.
#
# Cache:  ${GAUNTLET_CACHE:-$HOME/.cache/gauntlet}/tools/oha-<version>/bin/oha
#         (outside the repo, so fresh clones / CI runs on the same machine reuse it)
# Needs:  cargo (rustc >= oha's rust-version, 1.88 for 1.16.0) and crates.io.
set -euo pipefail

OHA_VERSION="1.16.0"         # pinned: newest oha release on crates.io

die() { echo "oha.sh: error: $*" >&2; exit 1; }
log() { echo "oha.sh: $*" >&2; }

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="${GAUNTLET_CACHE:-$HOME/.cache/gauntlet}/tools"
dest="$cache/oha-$OHA_VERSION"
bin="$dest/bin/oha"
link_dir="$repo/.tools/bin"
link="$link_dir/oha"

have_pinned() {
  [ -x "$bin" ] || return 1
  local v
  v="$("$bin" --version 2>/dev/null | head -n1)" || return 1
  [ "$v" = "oha $OHA_VERSION" ]
}

mkdir -p "$cache" || die "cannot create cache dir $cache"

if ! have_pinned; then
  command -v cargo >/dev/null 2>&1 || die "cargo is not on PATH (needed to build oha $OHA_VERSION)"
  exec 9>"$cache/.oha-$OHA_VERSION.lock"
  if command -v flock >/dev/null 2>&1; then flock 9; fi
  if ! have_pinned; then
    tmp="$(mktemp -d "$cache/.oha-$OHA_VERSION.build.XXXXXX")"
    trap 'rm -rf "$tmp"' EXIT
    log "building oha $OHA_VERSION with $(cargo --version) (takes a few minutes) ..."
    start=$(date +%s)
    # Own target dir under the temp dir: removed afterwards, never shared with other builds.
    if ! CARGO_TARGET_DIR="$tmp/target" cargo install oha --locked --version "$OHA_VERSION" \
         --root "$tmp/root" 9>&- >&2; then
      die "cargo install oha --locked --version $OHA_VERSION failed (see output above)"
    fi
    [ -x "$tmp/root/bin/oha" ] || die "cargo install finished but $tmp/root/bin/oha is missing"
    rm -rf "$dest"
    mkdir -p "$dest/bin"
    mv "$tmp/root/bin/oha" "$bin"
    have_pinned || die "built $bin but '$bin --version' does not report oha $OHA_VERSION: $("$bin" --version 2>&1 | head -n1)"
    log "built in $(( $(date +%s) - start ))s: $bin"
  fi
fi

mkdir -p "$link_dir" || die "cannot create $link_dir"
if [ "$(readlink "$link" 2>/dev/null || true)" != "$bin" ]; then
  ln -sfn "$bin" "$link" || die "cannot link $link -> $bin"
fi
"$link" --version >/dev/null 2>&1 || die "$link does not run"
echo "$link"
