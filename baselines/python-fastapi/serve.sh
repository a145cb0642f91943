#!/usr/bin/env bash
# Builds if needed, then runs the app on uvicorn in the foreground.
# Env: HOST (127.0.0.1), PORT (3000), WORKERS (the cores this process may run on),
# DATABASE_URL and REDIS_URL (optional: without them the data endpoints answer 503).
set -euo pipefail
cd "$(dirname "$0")"
./build.sh >&2
# DATABASE_URL / REDIS_URL: a malformed one stops here, naming the variable (exit 1).
.venv/bin/python config.py

HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-3000}"
read -r fastapi uvicorn cores < <(.venv/bin/python -c '
import os
from importlib.metadata import version
print(version("fastapi"), version("uvicorn"), len(os.sched_getaffinity(0)))')
WORKERS="${WORKERS:-$cores}"

echo "python-fastapi listening on http://$HOST:$PORT (fastapi $fastapi, uvicorn $uvicorn, $WORKERS workers)"
# --ws websockets-sansio: closes with 1009 past --ws-max-size (1 MiB, the contract's limit).
# --ws-per-message-deflate false: no compression, like the other targets' WebSocket servers.
# --timeout-graceful-shutdown 2: open SSE streams and sockets cannot hold up a stop.
exec .venv/bin/uvicorn app:app \
  --host "$HOST" --port "$PORT" --workers "$WORKERS" \
  --loop uvloop --http httptools \
  --ws websockets-sansio --ws-max-size 1048576 --ws-per-message-deflate false \
  --no-access-log --log-level warning \
  --timeout-graceful-shutdown 2
