#!/usr/bin/env bash
# Build (once) and link the pinned k6 load generator.
#
#   scripts/k6.sh            -> builds k6 into the tool cache if missing, links
#                               <repo>/.tools/bin/k6, prints that path last.
#
# Cache:  ${GAUNTLET_CACHE:-$HOME/.cache/gauntlet}/tools/k6-<version>/k6
#         (outside the repo, so fresh clones / CI runs on the same machine reuse it)
# Needs:  go (>= the go directive of k6's go.mod) and the Go module proxy.
set -euo pipefail

K6_VERSION="v1.8.1"          # pinned: newest v1 release on the Go module proxy

die() { echo "k6.sh: error: $*" >&2; exit 1; }
log() { echo "k6.sh: $*" >&2; }

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="${GAUNTLET_CACHE:-$HOME/.cache/gauntlet}/tools"
dest="$cache/k6-$K6_VERSION"
bin="$dest/k6"
link_dir="$repo/.tools/bin"
link="$link_dir/k6"

# Is the cached binary present and the pinned version?
have_pinned() {
  [ -x "$bin" ] || return 1
  local v
  v="$("$bin" version 2>/dev/null | head -n1)" || return 1
  case "$v" in *"k6 $K6_VERSION"*) return 0 ;; *) return 1 ;; esac
}

mkdir -p "$cache" || die "cannot create cache dir $cache"

if ! have_pinned; then
  command -v go >/dev/null 2>&1 || die "go is not on PATH (needed to build k6 $K6_VERSION)"
  # One build at a time per cache (parallel callers wait, then find it built).
  exec 9>"$cache/.k6-$K6_VERSION.lock"
  if command -v flock >/dev/null 2>&1; then flock 9; fi
  if ! have_pinned; then
    tmp="$(mktemp -d "$cache/.k6-$K6_VERSION.build.XXXXXX")"
    trap 'rm -rf "$tmp"' EXIT
    log "building k6 $K6_VERSION with $(go version | awk '{print $3}') (takes a few minutes) ..."
    start=$(date +%s)
    # CGO_ENABLED=0 as in k6's own release builds (static binary).
    if ! CGO_ENABLED=0 GOBIN="$tmp" go install "go.k6.io/k6@$K6_VERSION" 9>&- >&2; then
      die "go install go.k6.io/k6@$K6_VERSION failed (see output above)"
    fi
    [ -x "$tmp/k6" ] || die "go install finished but $tmp/k6 is missing"
    rm -rf "$dest"
    mkdir -p "$dest"
    mv "$tmp/k6" "$bin"
    have_pinned || die "built $bin but '$bin version' does not report $K6_VERSION: $("$bin" version 2>&1 | head -n1)"
    log "built in $(( $(date +%s) - start ))s: $bin"
  fi
fi

mkdir -p "$link_dir" || die "cannot create $link_dir"
if [ "$(readlink "$link" 2>/dev/null || true)" != "$bin" ]; then
  ln -sfn "$bin" "$link" || die "cannot link $link -> $bin"
fi
"$link" version >/dev/null 2>&1 || die "$link does not run"
echo "$link"
