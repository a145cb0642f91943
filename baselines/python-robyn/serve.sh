#!/usr/bin/env bash
# Builds if needed, then runs the Robyn app in the foreground (exec: the server is this process).
# Env: HOST (127.0.0.1), PORT (3000), WORKERS (default 1): Robyn processes, one per server core, one
# worker thread each; DATABASE_URL (optional: without it the db endpoints answer 503; REDIS_URL is not
# used). A port already taken ends the start at once with exit code 1.
set -euo pipefail
cd "$(dirname "$0")"
./build.sh >&2
# The shared data layer (../python-data/gauntlet_data), imported by the app and its worker processes.
export PYTHONPATH="$(cd ../python-data && pwd)${PYTHONPATH:+:$PYTHONPATH}"

HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-3000}"
WORKERS="${WORKERS:-1}"
if [[ ! $WORKERS =~ ^[1-9][0-9]{0,3}$ ]] || ((WORKERS > 1024)); then
  echo "python-robyn: WORKERS must be an integer 1…1024, got '$WORKERS'" >&2
  exit 1
fi
# DATABASE_URL: a malformed one stops here, naming the variable (exit 1).
.venv/bin/python -m gauntlet_data.config python-robyn --no-cache
# Robyn's environment settings, made explicit so that none leaks in from the caller:
# ROBYN_HOST/ROBYN_PORT override the address app.start() is given; ROBYN_BROWSER_OPEN is true when
# set to anything; ROBYN_DEV_MODE=true refuses to start outside the Robyn CLI.
export ROBYN_HOST="$HOST" ROBYN_PORT="$PORT" HOST PORT WORKERS
unset ROBYN_BROWSER_OPEN ROBYN_DEV_MODE ROBYN_CLI
# The WebSocket message limit (it does not limit HTTP bodies: Robyn reads those whole; the app checks).
export ROBYN_MAX_PAYLOAD_SIZE=1048576

robyn="$(.venv/bin/python -c 'from importlib.metadata import version; print(version("robyn"))')"
echo "python-robyn starting on http://$HOST:$PORT (robyn $robyn, $WORKERS process(es), 1 worker each)"
# No arguments: Robyn parses sys.argv (--dev, --processes, ...). stdin is /dev/null, so nothing can
# ever wait on it. SIGTERM stops it with exit code 0 (app.py).
exec .venv/bin/python app.py </dev/null
