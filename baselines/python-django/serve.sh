#!/usr/bin/env bash
# Builds if needed, then runs the Django project on gunicorn in the foreground.
# Env: HOST (127.0.0.1), PORT (3000), DATABASE_URL (optional: without it the db endpoints answer
# 503), ALLOWED_HOSTS (default *), WORKERS (default 1): gunicorn worker processes, one per server core;
# the 4 request threads (each with its Postgres connection) are shared out over them (see README).
set -euo pipefail
cd "$(dirname "$0")"
./build.sh >&2
export DJANGO_SETTINGS_MODULE=gauntlet.settings
# A malformed DATABASE_URL stops here, naming the variable (exit 1).
.venv/bin/python -c 'import gauntlet.settings'

HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-3000}"
WORKERS="${WORKERS:-1}"
if [[ ! $WORKERS =~ ^[1-9][0-9]{0,3}$ ]] || ((WORKERS > 1024)); then
  echo "python-django: WORKERS must be an integer 1…1024, got '$WORKERS'" >&2
  exit 1
fi
# 4 threads per target, rounded up per worker: Postgres sees the same connections whatever WORKERS is.
THREADS=$(((4 + WORKERS - 1) / WORKERS))
read -r django gunicorn psycopg < <(.venv/bin/python -c '
from importlib.metadata import version
print(version("django"), version("gunicorn"), version("psycopg"))')

echo "python-django listening on http://$HOST:$PORT (django $django, gunicorn $gunicorn gthread $WORKERS worker(s) x $THREADS threads, psycopg $psycopg)"
# gthread: sync workers close every connection after its response; gthread keeps connections alive
#   (idle ones wait in the worker's poller, not on a thread) and runs requests on a pool of threads.
# --keep-alive 5: idle keep-alive connections close after 5 s (gunicorn's default is 2 s).
# --graceful-timeout 3: in-flight requests get 3 s on SIGTERM; the arbiter then exits with 0.
# --no-control-socket: gunicorn 27 otherwise opens ~/.gunicorn/gunicorn.ctl (one per user, shared).
# No --access-logfile: gunicorn writes no access log by default.
exec .venv/bin/gunicorn gauntlet.wsgi:application \
  --bind "$HOST:$PORT" \
  --workers "$WORKERS" --worker-class gthread --threads "$THREADS" \
  --keep-alive 5 --graceful-timeout 3 \
  --log-level warning --no-control-socket
