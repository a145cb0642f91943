# Sourced by k6.sh and oha.sh: build a pinned tool once into the tool cache and link it.
#
# The caller sets, then calls `pinned_tool`:
#   TOOL         name (k6, oha): the link is <repo>/.tools/bin/$TOOL
#   VERSION      the pinned version
#   BIN_REL      the binary's path inside the cache folder $cache/$TOOL-$VERSION
#   NEEDS        the command the build needs on PATH (go, cargo)
#   is_pinned B  function: 0 when binary B runs and reports $VERSION
#   build T      function: builds into the scratch folder T, leaving the binary at T/$TOOL
#
# Cache:  ${GAUNTLET_CACHE:-$HOME/.cache/gauntlet}/tools/$TOOL-$VERSION/$BIN_REL (outside the
#         repo, so fresh clones and CI runs on the same machine reuse it). One build at a time
#         per cache: parallel callers wait on a lock, then find it built. Prints the link last.

die() { echo "$TOOL.sh: error: $*" >&2; exit 1; }
log() { echo "$TOOL.sh: $*" >&2; }

pinned_tool() {
  local repo cache dest bin link_dir link
  repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  cache="${GAUNTLET_CACHE:-$HOME/.cache/gauntlet}/tools"
  dest="$cache/$TOOL-$VERSION"
  bin="$dest/$BIN_REL"
  link_dir="$repo/.tools/bin"
  link="$link_dir/$TOOL"

  mkdir -p "$cache" || die "cannot create cache dir $cache"
  if ! is_pinned "$bin"; then
    command -v "$NEEDS" >/dev/null 2>&1 || die "$NEEDS is not on PATH (needed to build $TOOL $VERSION)"
    exec 9>"$cache/.$TOOL-$VERSION.lock"
    if command -v flock >/dev/null 2>&1; then flock 9; fi
    if ! is_pinned "$bin"; then
      tmp="$(mktemp -d "$cache/.$TOOL-$VERSION.build.XXXXXX")"
      trap 'rm -rf "$tmp"' EXIT
      log "building $TOOL $VERSION (takes a few minutes) ..."
      local start
      start=$(date +%s)
      build "$tmp" 9>&- >&2 || die "building $TOOL $VERSION failed (see output above)"
      [ -x "$tmp/$TOOL" ] || die "the build finished but $tmp/$TOOL is missing"
      rm -rf "$dest"
      mkdir -p "$(dirname "$bin")"
      mv "$tmp/$TOOL" "$bin"
      is_pinned "$bin" || die "built $bin but it does not report $TOOL $VERSION"
      log "built in $(($(date +%s) - start))s: $bin"
    fi
  fi

  mkdir -p "$link_dir" || die "cannot create $link_dir"
  if [ "$(readlink "$link" 2>/dev/null || true)" != "$bin" ]; then
    ln -sfn "$bin" "$link" || die "cannot link $link -> $bin"
  fi
  is_pinned "$link" || die "$link does not run"
  echo "$link"
}
