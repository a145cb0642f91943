#!/usr/bin/env bash
# Seed 002's own launch of its async Python system, reproduced as a reference target
# (`starlette-seed002`): the same app as serve.sh, started the way the seed started it — not
# the way Gauntlet starts its targets. The seed ran:
#   ./.venv/bin/gunicorn -w 2 -k uvicorn.workers.UvicornWorker -b 0.0.0.0:3000 main:app \
#     --access-logfile - --error-logfile - --capture-output --enable-stdio-inheritance \
#     --access-logformat '<the format below>'
# Two uvicorn workers under gunicorn (uvicorn's defaults inside: loop and http "auto", which pick
# uvloop and httptools, both installed), access log on stdout. Two worker processes break the
# one-worker rule (docs/contract.md) on purpose: this is the seed's setup, measured as a labelled
# reference row beside ours, never one of our cells.
# Env: HOST (127.0.0.1), PORT (3000), DATABASE_URL and REDIS_URL as serve.sh. WORKERS is ignored:
# the seed's 2, always.
set -euo pipefail
# The seed ran two workers of the default pool size each: no per-worker division of the pools.
unset WORKERS
cd "$(dirname "$0")"
./build.sh >&2
# The shared data layer (../python-data/gauntlet_data), imported by the app and its worker processes.
export PYTHONPATH="$(cd ../python-data && pwd)${PYTHONPATH:+:$PYTHONPATH}"
# DATABASE_URL / REDIS_URL: a malformed one stops here, naming the variable (exit 1).
.venv/bin/python -m gauntlet_data.config python-starlette

HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-3000}"
read -r starlette uvicorn gunicorn < <(.venv/bin/python -c '
from importlib.metadata import version
print(version("starlette"), version("uvicorn"), version("gunicorn"))')

echo "python-starlette, seed 002's setup, listening on http://$HOST:$PORT (starlette $starlette, gunicorn $gunicorn -w 2 -k uvicorn.workers.UvicornWorker, uvicorn $uvicorn, access log on stdout)"
# Everything but two flags is the seed's command line as it wrote it:
# - the bind address and the app module are ours (loopback and this project's app:app);
# - --no-control-socket: gunicorn 27 otherwise opens ~/.gunicorn/gunicorn.ctl, one per user, which
#   two servers at once would fight over; the seed's gunicorn (2022) had no control socket at all.
# uvicorn.workers is deprecated since uvicorn 0.30 in favour of the uvicorn-worker package (a
# DeprecationWarning at import, which Python's default filters hide) but still ships in 0.54 and
# is the worker class the seed named, so it stays.
exec .venv/bin/gunicorn \
  -w 2 \
  -k uvicorn.workers.UvicornWorker \
  -b "$HOST:$PORT" app:app \
  --access-logfile - \
  --error-logfile - \
  --capture-output \
  --enable-stdio-inheritance \
  --access-logformat 'request="%(r)s" request_time=%(L)s remote_addr="%(h)s" request_id=%({X-Request-Id}i)s response_id=%({X-Response-Id}i)s method=%(m)s protocol=%(H)s status_code=%(s)s response_length=%(b)s referer="%(f)s" process_id=%(p)s user_agent="%(a)s"' \
  --no-control-socket
