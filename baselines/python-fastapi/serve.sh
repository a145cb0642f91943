#!/usr/bin/env bash
# Builds if needed, then runs the app on uvicorn in the foreground.
# Env: HOST (127.0.0.1), PORT (3000), DATABASE_URL and REDIS_URL (optional: without them the
# data endpoints answer 503). WORKERS is ignored: always one worker process.
set -euo pipefail
cd "$(dirname "$0")"
./build.sh >&2
# DATABASE_URL / REDIS_URL: a malformed one stops here, naming the variable (exit 1).
.venv/bin/python config.py

HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-3000}"
read -r fastapi uvicorn < <(.venv/bin/python -c '
from importlib.metadata import version
print(version("fastapi"), version("uvicorn"))')

echo "python-fastapi listening on http://$HOST:$PORT (fastapi $fastapi, uvicorn $uvicorn, 1 worker)"
# --workers 1: one process, whatever WORKERS says (the cells are single-core).
# --ws websockets-sansio: the app closes a message over 1 MiB with 1009 (app.py), after the
#   server has read it whole; --ws-max-size 16 MiB is only the server's ceiling (beyond it
#   uvicorn refuses the frame from its header: 1009 too, but the client may see a reset).
# --ws-per-message-deflate false: no compression, like the other targets' WebSocket servers.
# --timeout-graceful-shutdown 2: open SSE streams and sockets cannot hold up a stop.
exec .venv/bin/uvicorn app:app \
  --host "$HOST" --port "$PORT" --workers 1 \
  --loop uvloop --http httptools \
  --ws websockets-sansio --ws-max-size 16777216 --ws-per-message-deflate false \
  --no-access-log --log-level warning \
  --timeout-graceful-shutdown 2
