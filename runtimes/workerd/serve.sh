#!/usr/bin/env bash
# Runs the workerd target in the foreground. Env: PORT (default 3000), HOST (default 127.0.0.1),
# DATABASE_URL, GAUNTLET_DATA (REDIS_URL is read and not used: README.md). Builds first (quick
# when done), then runs `workerd serve` on the generated config.
#
# Stopping: on SIGTERM workerd stops accepting and waits for every open request to end, with no
# time limit: an SSE stream of 100,000 events or an idle WebSocket keeps it alive for ever, and
# the worker gets no shutdown event to end them itself. So workerd runs as this script's child: on
# SIGTERM or SIGINT the script passes the signal on, gives open requests GRACE_S seconds to end,
# then ends workerd with SIGKILL (the open streams are cut: their clients see a reset or 1006)
# and exits 0, as the contract asks of a stop. If workerd exits by itself, its code is returned.
set -euo pipefail
cd "$(dirname "$0")/../.."
node_modules/node/bin/node runtimes/workerd/build.ts >&2
host="${HOST:-127.0.0.1}"
[[ $host == *:* ]] && host="[$host]"
export PORT="${PORT:-3000}" HOST="${HOST:-127.0.0.1}"
GRACE_S=2

node_modules/.bin/workerd serve .tools/workerd/workerd.capnp --socket-addr "http=$host:$PORT" &
child=$!

stop() {
  trap '' TERM INT
  kill -TERM "$child" 2>/dev/null || true
  for ((i = 0; i < GRACE_S * 10; i++)); do
    kill -0 "$child" 2>/dev/null || exit 0
    sleep 0.1
  done
  kill -KILL "$child" 2>/dev/null || true
  wait "$child" 2>/dev/null || true
  exit 0
}
trap stop TERM INT

set +e
wait "$child"
exit $?
