#!/usr/bin/env bash
# Lints every baseline, picked up by folder name:
#   baselines/python-*/              ruff check and ruff format --check, with baselines/ruff.toml
#   baselines/rust-*/ (a Cargo.toml) cargo fmt --check and cargo clippy --release --locked -- -D warnings
# Ruff 0.17.5 is installed once, as a venv, into ${GAUNTLET_CACHE:-$HOME/.cache/gauntlet}/tools/ruff-0.17.5
# (a quick no-op when it is there). Cargo builds into CARGO_TARGET_DIR when it is set.
# Runs every check, then lists the failed ones; exit status 1 if any failed.
set -uo pipefail
cd "$(dirname "$0")"

RUFF_VERSION=0.17.5
tools="${GAUNTLET_CACHE:-$HOME/.cache/gauntlet}/tools"
venv="$tools/ruff-$RUFF_VERSION"
ruff="$venv/bin/ruff"

is_pinned() { [[ -x $ruff && "$("$ruff" --version 2>/dev/null)" == "ruff $RUFF_VERSION" ]]; }

if ! is_pinned; then
  mkdir -p "$tools" || exit 1
  # One install at a time per cache: parallel callers wait, then find it installed.
  exec 9>"$tools/.ruff-$RUFF_VERSION.lock"
  flock 9
  if ! is_pinned; then
    echo "lint.sh: installing ruff $RUFF_VERSION into $venv" >&2
    rm -rf "$venv"
    python3 -m venv "$venv" &&
      "$venv/bin/python" -m pip install --disable-pip-version-check --no-input --quiet "ruff==$RUFF_VERSION" ||
      { echo "lint.sh: installing ruff $RUFF_VERSION failed" >&2; rm -rf "$venv"; exit 1; }
  fi
  exec 9>&-
fi

failed=()
check() { # check <what> <command...>: runs it, records <what> if it fails
  local what=$1
  shift
  echo "== $what" >&2
  "$@" || failed+=("$what")
}

for dir in python-*/; do
  [[ -d $dir ]] || continue
  dir=${dir%/}
  check "$dir: ruff check" "$ruff" check --config ruff.toml --no-cache "$dir"
  check "$dir: ruff format --check" "$ruff" format --check --config ruff.toml --no-cache "$dir"
done

for dir in rust-*/; do
  [[ -f $dir/Cargo.toml ]] || continue
  dir=${dir%/}
  check "$dir: cargo fmt --check" cargo fmt --check --manifest-path "$dir/Cargo.toml"
  check "$dir: cargo clippy" cargo clippy --release --locked --manifest-path "$dir/Cargo.toml" -- -D warnings
done

if ((${#failed[@]})); then
  echo "lint.sh: ${#failed[@]} failed:" >&2
  printf '  %s\n' "${failed[@]}" >&2
  exit 1
fi
echo "lint.sh: every baseline passed" >&2
