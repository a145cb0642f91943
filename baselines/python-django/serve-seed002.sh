#!/usr/bin/env bash
# Seed 002's own launch of its sync Python system, reproduced as a reference target
# (`django-seed002`): the same project as serve.sh, started the way the seed started it — not the
# way Gauntlet starts its targets. The seed ran:
#   ./.venv/bin/gunicorn -w 5 main:app -b 0.0.0.0:8080 \
#     --access-logfile - --error-logfile - --capture-output --enable-stdio-inheritance \
#     --access-logformat '<the format below>'
# Five workers of gunicorn's default class, sync ("(2 * os.cpu_count()) + 1", the seed says, on its
# 2 vCPUs): each worker serves one request at a time and closes the connection after every
# response (sync workers have no keep-alive). Access log on stdout in the seed's format. Five
# worker processes break the one-worker rule (docs/contract.md) on purpose: this is the seed's
# setup, measured as a labelled reference row beside ours, never one of our cells.
# Env: HOST (127.0.0.1), PORT (3000), DATABASE_URL (optional, as serve.sh). WORKERS is ignored:
# the seed's 5, always. REDIS_URL is ignored: the seed measured the recipes list only (family `db`),
# and its command line has no hooks to start the click flusher (serve.sh's --config), so this launch
# serves no shortener through Redis and its /health reports the cache as `none`.
set -euo pipefail
# The seed's five workers, whatever WORKERS says (its setup, not ours).
unset WORKERS REDIS_URL
cd "$(dirname "$0")"
./build.sh >&2
export DJANGO_SETTINGS_MODULE=gauntlet.settings
# The shortener protocol shared by the Python targets (../python-data/gauntlet_data/protocol.py).
export PYTHONPATH="$(cd ../python-data && pwd)${PYTHONPATH:+:$PYTHONPATH}"
# A malformed DATABASE_URL stops here, naming the variable (exit 1).
.venv/bin/python -c 'import gauntlet.settings'

HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-3000}"
read -r django gunicorn psycopg < <(.venv/bin/python -c '
from importlib.metadata import version
print(version("django"), version("gunicorn"), version("psycopg"))')

echo "python-django, seed 002's setup, listening on http://$HOST:$PORT (django $django, gunicorn $gunicorn -w 5 sync, psycopg $psycopg, access log on stdout)"
# Everything but two flags is the seed's command line as it wrote it:
# - the bind address and the app module are ours (loopback and this project's WSGI entry);
# - --no-control-socket: gunicorn 27 otherwise opens ~/.gunicorn/gunicorn.ctl, one per user, which
#   two servers at once would fight over; the seed's gunicorn (2022) had no control socket at all.
exec .venv/bin/gunicorn \
  -w 5 \
  gauntlet.wsgi:application \
  -b "$HOST:$PORT" \
  --access-logfile - \
  --error-logfile - \
  --capture-output \
  --enable-stdio-inheritance \
  --access-logformat 'request="%(r)s" request_time=%(L)s remote_addr="%(h)s" request_id=%({X-Request-Id}i)s response_id=%({X-Response-Id}i)s method=%(m)s protocol=%(H)s status_code=%(s)s response_length=%(b)s referer="%(f)s" process_id=%(p)s user_agent="%(a)s"' \
  --no-control-socket
