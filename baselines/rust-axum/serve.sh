#!/usr/bin/env bash
# Runs the Rust baseline. Env: PORT (default 3000), HOST (default 127.0.0.1), WORKERS
# (default: the CPUs this process may use). Builds first if the binary is missing.
set -euo pipefail
cd "$(dirname "$0")"
binary=target/release/gauntlet-axum
if [[ ! -x $binary ]]; then
  ./build.sh >&2
fi
exec "$binary"
