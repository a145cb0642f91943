#!/usr/bin/env bash
# Builds if needed, then runs the Django project on gunicorn in the foreground.
# Env: HOST (127.0.0.1), PORT (3000), DATABASE_URL (optional: without it the db endpoints answer
# 503), REDIS_URL (optional: without it the shortener reads and counts in Postgres), ALLOWED_HOSTS
# (default *), WORKERS (default 1): gunicorn worker processes, one per server core; the 4 request
# threads (each with its Postgres connection) are shared out over them (see README).
set -euo pipefail
cd "$(dirname "$0")"
./build.sh >&2
export DJANGO_SETTINGS_MODULE=gauntlet.settings
# The shortener protocol shared by the Python targets (../python-data/gauntlet_data/protocol.py).
export PYTHONPATH="$(cd ../python-data && pwd)${PYTHONPATH:+:$PYTHONPATH}"

HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-3000}"
WORKERS="${WORKERS:-1}"
# The settings read the environment once: a malformed DATABASE_URL, REDIS_URL or WORKERS stops here,
# naming the variable (exit 1). They also say how many threads a worker runs (4 / WORKERS, rounded
# up: Postgres sees the same connections whatever WORKERS is), which sizes the Redis pool too.
read -r threads django gunicorn psycopg redis < <(.venv/bin/python -c '
from importlib.metadata import version
from gauntlet import settings
print(settings.REQUEST_THREADS, version("django"), version("gunicorn"), version("psycopg"), version("redis"))')

echo "python-django listening on http://$HOST:$PORT (django $django, gunicorn $gunicorn gthread $WORKERS worker(s) x $threads threads, psycopg $psycopg, redis-py $redis)"
# gthread: sync workers close every connection after its response; gthread keeps connections alive
#   (idle ones wait in the worker's poller, not on a thread) and runs requests on a pool of threads.
# --keep-alive 5: idle keep-alive connections close after 5 s (gunicorn's default is 2 s).
# --graceful-timeout 3: in-flight requests get 3 s on SIGTERM; the arbiter then exits with 0.
# --no-control-socket: gunicorn 27 otherwise opens ~/.gunicorn/gunicorn.ctl (one per user, shared).
# No --access-logfile: gunicorn writes no access log by default.
# --config: only the hooks that start each worker's click flusher and flush once more at its exit.
exec .venv/bin/gunicorn gauntlet.wsgi:application \
  --config gauntlet/gunicorn_hooks.py \
  --bind "$HOST:$PORT" \
  --workers "$WORKERS" --worker-class gthread --threads "$threads" \
  --keep-alive 5 --graceful-timeout 3 \
  --log-level warning --no-control-socket
