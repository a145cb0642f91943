#!/usr/bin/env bash
# Builds if needed, then runs the same app (app.py) on Granian in the foreground.
# Env: HOST (127.0.0.1), PORT (3000), DATABASE_URL and REDIS_URL (optional: without them the
# data endpoints answer 503), WORKERS (default 1): Granian's worker processes, one runtime thread each.
set -euo pipefail
cd "$(dirname "$0")"
./build.sh >&2
# The shared data layer (../python-data/gauntlet_data), imported by the app and its worker processes.
export PYTHONPATH="$(cd ../python-data && pwd)${PYTHONPATH:+:$PYTHONPATH}"
# DATABASE_URL / REDIS_URL / WORKERS: a malformed one stops here, naming the variable (exit 1).
.venv/bin/python -m gauntlet_data.config python-fastapi

HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-3000}"
WORKERS="${WORKERS:-1}"
read -r fastapi granian < <(.venv/bin/python -c '
from importlib.metadata import version
print(version("fastapi"), version("granian"))')

echo "python-fastapi listening on http://$HOST:$PORT (fastapi $fastapi, granian $granian, $WORKERS worker(s))"
exec .venv/bin/granian app:app \
  --interface asgi --loop uvloop \
  --host "$HOST" --port "$PORT" \
  --workers "$WORKERS" --runtime-threads 1 \
  --http 1 --ws \
  --no-access-log --log-level warning \
  --workers-kill-timeout 3
