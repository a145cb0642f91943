#!/usr/bin/env bash
# Runs the Rust baseline. Env: PORT (default 3000), HOST (default 127.0.0.1), DATABASE_URL and
# REDIS_URL (optional), WORKERS (default 1: tokio worker threads, one per server core). Builds first
# if the binary is missing.
# CARGO_TARGET_DIR, when set (CI caches builds outside the checkout), is where the binary is.
set -euo pipefail
cd "$(dirname "$0")"
binary="${CARGO_TARGET_DIR:-target}/release/gauntlet-axum"
if [[ ! -x $binary ]]; then
  ./build.sh >&2
fi
exec "$binary"
