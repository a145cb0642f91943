#!/usr/bin/env bash
# Builds if needed, then runs the Spikard app in the foreground.
# Env: HOST (127.0.0.1), PORT (3000), WORKERS (default 1): Spikard's Tokio worker threads
# (ServerConfig(workers=N)); the Python handlers run on Spikard's one event-loop thread whatever N is.
# DATABASE_URL (optional: without it the db endpoints answer 503; REDIS_URL is not used).
set -euo pipefail
cd "$(dirname "$0")"
./build.sh >&2
# The shared data layer (../python-data/gauntlet_data).
export PYTHONPATH="$(cd ../python-data && pwd)${PYTHONPATH:+:$PYTHONPATH}"

export HOST="${HOST:-127.0.0.1}"
export PORT="${PORT:-3000}"
export WORKERS="${WORKERS:-1}"
if [[ ! $WORKERS =~ ^[1-9][0-9]{0,3}$ ]] || ((WORKERS > 1024)); then
  echo "python-spikard: WORKERS must be an integer 1…1024, got '$WORKERS'" >&2
  exit 1
fi
# DATABASE_URL: a malformed one stops here, naming the variable (exit 1).
.venv/bin/python -m gauntlet_data.config python-spikard --no-cache
# Spikard's Rust core logs through tracing with a default filter of info (a line per route at
# start); warnings and errors only. Per-request tracing (enable_http_trace) is off by default.
export RUST_LOG="${RUST_LOG:-warn}"
spikard="$(.venv/bin/python -c 'from importlib.metadata import version; print(version("spikard"))')"
echo "python-spikard listening on http://$HOST:$PORT (spikard $spikard, $WORKERS worker thread(s))"
exec .venv/bin/python app.py
