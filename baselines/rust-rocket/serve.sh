#!/usr/bin/env bash
# Runs the Rocket target. Env: PORT (default 3000), HOST (default 127.0.0.1), WORKERS (default 1:
# tokio worker threads and Rocket workers, one per server core). Builds first if the binary is missing.
# CARGO_TARGET_DIR, when set (CI caches builds outside the checkout), is where the binary is.
set -euo pipefail
cd "$(dirname "$0")"
binary="${CARGO_TARGET_DIR:-target}/release/gauntlet-rocket"
if [[ ! -x $binary ]]; then
  ./build.sh >&2
fi
exec "$binary"
