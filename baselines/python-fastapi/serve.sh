#!/usr/bin/env bash
# Builds if needed, then runs the app on uvicorn in the foreground.
# Env: HOST (127.0.0.1), PORT (3000), DATABASE_URL and REDIS_URL (optional: without them the
# data endpoints answer 503), WORKERS (default 1: one process; N > 1: uvicorn --workers N, a
# supervisor and N worker processes accepting on the socket it bound; each sizes its pools by N).
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
read -r fastapi uvicorn < <(.venv/bin/python -c '
from importlib.metadata import version
print(version("fastapi"), version("uvicorn"))')

echo "python-fastapi listening on http://$HOST:$PORT (fastapi $fastapi, uvicorn $uvicorn, $WORKERS worker(s))"
# --workers: one per server core (WORKERS); with 1, uvicorn serves in this process.
# --ws websockets-sansio: the app closes a message over 1 MiB with 1009 (app.py), after the
#   server has read it whole; --ws-max-size 16 MiB is only the server's ceiling (beyond it
#   uvicorn refuses the frame from its header: 1009 too, but the client may see a reset).
# --ws-per-message-deflate false: no compression, like the other targets' WebSocket servers.
# --timeout-graceful-shutdown 2: nothing can hold up a stop for longer (the app itself ends
#   its SSE streams and closes its WebSockets when the signal arrives: stopping.py).
# uvicorn re-raises the signal it stopped on once it has shut down, so that the process dies
# of it (exit status 143 for SIGTERM); a clean stop is exit code 0. Ignoring INT and TERM here
# (inherited across exec) leaves uvicorn's own handlers in charge while it runs and makes that
# final re-raise a no-op: a stop by either signal is graceful and exits 0.
trap '' INT TERM
exec .venv/bin/uvicorn app:app \
  --host "$HOST" --port "$PORT" --workers "$WORKERS" \
  --loop uvloop --http httptools \
  --ws websockets-sansio --ws-max-size 16777216 --ws-per-message-deflate false \
  --no-access-log --log-level warning \
  --timeout-graceful-shutdown 2
