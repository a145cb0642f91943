#!/usr/bin/env bash
# Builds if needed, then runs the Spikard app in the foreground.
# Env: HOST (127.0.0.1), PORT (3000). WORKERS is ignored: one worker, always (ServerConfig(workers=1)).
set -euo pipefail
cd "$(dirname "$0")"
./build.sh >&2

export HOST="${HOST:-127.0.0.1}"
export PORT="${PORT:-3000}"
# Spikard's Rust core logs through tracing with a default filter of info (a line per route at
# start); warnings and errors only. Per-request tracing (enable_http_trace) is off by default.
export RUST_LOG="${RUST_LOG:-warn}"
spikard="$(.venv/bin/python -c 'from importlib.metadata import version; print(version("spikard"))')"
echo "python-spikard listening on http://$HOST:$PORT (spikard $spikard, 1 worker)"
exec .venv/bin/python app.py
