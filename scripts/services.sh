#!/usr/bin/env bash
# Postgres 15 + Redis 7 for Gauntlet's data workloads, on loopback only, on the
# project's own ports and data dirs (never the system's cluster / defaults).
#
#   scripts/services.sh up                 install if missing, start both, create role/db,
#                                          apply src/data/schema.sql + seed.sql if present;
#                                          last stdout line: {"DATABASE_URL":…,"REDIS_URL":…,"postgres":"15.x","redis":"7.x"}
#   scripts/services.sh down               stop both (no-op when not running)
#   scripts/services.sh reset              back to the seed: schema + seed.sql again, gauntlet:* cache keys deleted
#   scripts/services.sh status             one JSON line, always exit 0
#   scripts/services.sh env                `export DATABASE_URL=…` / `export REDIS_URL=…` for eval
#   scripts/services.sh start postgres|redis
#   scripts/services.sh stop  postgres|redis
#
# Environment:
#   GAUNTLET_SERVICES_DIR        data root (default <repo>/.data): <data>/pg, <data>/redis
#   GAUNTLET_PG_PORT     default 55432 } the project's ports; override only for a second
#   GAUNTLET_REDIS_PORT  default 56379 } copy on the same machine
#
# Progress goes to stderr; machine-readable output to stdout.
set -euo pipefail

PG_MAJOR=15
PG_BIN="/usr/lib/postgresql/$PG_MAJOR/bin"
PG_PORT="${GAUNTLET_PG_PORT:-55432}"        # override only to run a second copy side by side
REDIS_PORT="${GAUNTLET_REDIS_PORT:-56379}"
HOST=127.0.0.1
DB_USER=gauntlet
DB_PASS=gauntlet
DB_NAME=gauntlet
READY_TIMEOUT=60        # seconds, upper bound of every readiness/stop poll loop

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data="${GAUNTLET_SERVICES_DIR:-$repo/.data}"
pgdata="$data/pg"
redisdir="$data/redis"
redis_pid="$redisdir/redis.pid"
redis_log="$redisdir/redis.log"
pg_log="$pgdata/server.log"

DATABASE_URL="postgres://$DB_USER:$DB_PASS@$HOST:$PG_PORT/$DB_NAME"
REDIS_URL="redis://$HOST:$REDIS_PORT"

die() { echo "services.sh: error: $*" >&2; exit 1; }
log() { echo "services.sh: $*" >&2; }

is_root() { [ "$(id -u)" -eq 0 ]; }

# Postgres refuses to run as root: as root, run its tools as the `postgres` OS user
# (created by the Debian package); otherwise as ourselves.
as_pg() {
  if is_root; then (cd / && runuser -u postgres -- "$@" 9>&-); else (cd / && "$@" 9>&-); fi
}
# Redis runs as the `redis` OS user when we are root (the package creates it).
as_redis() {
  if is_root && id redis >/dev/null 2>&1; then (cd / && runuser -u redis -- "$@" 9>&-); else (cd / && "$@" 9>&-); fi
}
redis_owner() { if is_root && id redis >/dev/null 2>&1; then echo redis; else id -un; fi; }
pg_owner() { if is_root; then echo postgres; else id -un; fi; }

# ---------------------------------------------------------------- install

have_packages() {
  [ -x "$PG_BIN/postgres" ] && [ -x "$PG_BIN/initdb" ] && [ -x "$PG_BIN/pg_ctl" ] \
    && [ -x "$PG_BIN/pg_isready" ] && [ -x "$PG_BIN/psql" ] \
    && command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1
}

ensure_packages() {
  if ! have_packages; then
    if ! is_root; then
      die "Postgres $PG_MAJOR ($PG_BIN) and/or Redis (redis-server, redis-cli) are not installed and we are not root; install them with: sudo apt-get update && sudo apt-get install -y postgresql redis-server"
    fi
    command -v apt-get >/dev/null 2>&1 || die "apt-get not found: install Postgres $PG_MAJOR and Redis 7 by hand"
    # Only what is missing (so an installed Postgres is not upgraded under a running system cluster).
    local pkgs=()
    [ -x "$PG_BIN/postgres" ] && [ -x "$PG_BIN/initdb" ] && [ -x "$PG_BIN/psql" ] || pkgs+=(postgresql)
    command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1 || pkgs+=(redis-server)
    log "installing ${pkgs[*]} with apt-get ..."
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 update -q >&2 \
      || die "apt-get update failed"
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -q "${pkgs[@]}" >&2 \
      || die "apt-get install -y ${pkgs[*]} failed"
    have_packages || die "packages installed but $PG_BIN/postgres or redis-server/redis-cli still missing (does the distribution ship Postgres $PG_MAJOR? check: apt-cache policy postgresql)"
  fi
  if is_root; then
    id postgres >/dev/null 2>&1 || die "OS user 'postgres' missing (normally created by the postgresql package)"
  fi
  local rv
  rv="$(redis-server --version | sed -n 's/.* v=\([0-9][0-9.]*\).*/\1/p')"
  case "$rv" in 7.*) ;; *) die "redis-server is version '${rv:-unknown}', need 7.x" ;; esac
}

# ---------------------------------------------------------------- postgres

pg_running() {   # our cluster (this data dir) is running
  [ -f "$pgdata/PG_VERSION" ] || return 1
  as_pg "$PG_BIN/pg_ctl" -D "$pgdata" status >/dev/null 2>&1
}
pg_ready() { "$PG_BIN/pg_isready" -q -h "$HOST" -p "$PG_PORT" -t 2 >/dev/null 2>&1; }
port_taken() {  # anything accepting TCP connections on $HOST:$1
  (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null
}

# shellcheck disable=SC2120  # extra psql args are optional
pg_super_psql() {  # psql as superuser over the private unix socket in the data dir
  as_pg "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$pgdata" -p "$PG_PORT" -U postgres -d postgres "$@"
}

pg_version() {  # "15.18" from the running server, empty when unreachable
  PGPASSWORD="$DB_PASS" PGCONNECT_TIMEOUT=3 "$PG_BIN/psql" -X -At -h "$HOST" -p "$PG_PORT" -U "$DB_USER" -d "$DB_NAME" \
    -c 'SHOW server_version' 2>/dev/null | awk 'NR==1{print $1}' || true
}

pg_init() {
  if [ -f "$pgdata/PG_VERSION" ]; then
    local v; v="$(cat "$pgdata/PG_VERSION")"
    [ "$v" = "$PG_MAJOR" ] || die "$pgdata holds a Postgres $v cluster, need $PG_MAJOR (remove $pgdata to recreate it)"
    return 0
  fi
  mkdir -p "$pgdata" || die "cannot create $pgdata"
  if [ -n "$(ls -A "$pgdata" 2>/dev/null)" ]; then
    die "$pgdata is not empty but holds no cluster (no PG_VERSION); remove it to recreate"
  fi
  chown "$(pg_owner)": "$pgdata" 2>/dev/null || chown "$(pg_owner)" "$pgdata" || die "cannot chown $pgdata to $(pg_owner)"
  chmod 700 "$pgdata"
  as_pg test -w "$pgdata" \
    || die "user $(pg_owner) cannot reach $pgdata: every parent directory must be traversable (o+x) by it; set GAUNTLET_SERVICES_DIR elsewhere"
  log "initdb $pgdata ..."
  # Local (unix socket) connections: trust, but the socket lives inside the 0700 data dir,
  # so only the cluster's OS owner can reach it. TCP: scram-sha-256 passwords.
  as_pg "$PG_BIN/initdb" -D "$pgdata" -U postgres -E UTF8 --no-locale \
      --auth-local=trust --auth-host=scram-sha-256 >"$data/initdb.log" 2>&1 \
    || { tail -n 20 "$data/initdb.log" >&2; die "initdb failed (log: $data/initdb.log)"; }
  echo "include_if_exists = 'gauntlet.conf'" | as_pg tee -a "$pgdata/postgresql.conf" >/dev/null
}

pg_write_conf() {
  # Rewritten on every start so changes here take effect. Only connections and buffers
  # differ from the defaults (fsync, synchronous_commit, WAL settings stay default), plus
  # pg_stat_statements, which the stampede test reads to count the reads a target makes.
  as_pg tee "$pgdata/gauntlet.conf" >/dev/null <<EOF
# written by scripts/services.sh -- edits are overwritten
listen_addresses = '$HOST'
port = $PG_PORT
unix_socket_directories = '$pgdata'
max_connections = 200
shared_buffers = 256MB
shared_preload_libraries = 'pg_stat_statements'
pg_stat_statements.track = top
EOF
}

pg_preloaded() {  # the running server has pg_stat_statements loaded
  pg_super_psql -At -c 'SHOW shared_preload_libraries' 2>/dev/null | grep -q pg_stat_statements
}

pg_start() {
  pg_init
  if pg_running; then
    pg_write_conf
    if ! pg_preloaded; then  # started by an older version of this script: load the library
      log "restarting postgres to load pg_stat_statements ..."
      as_pg "$PG_BIN/pg_ctl" -D "$pgdata" -l "$pg_log" -m fast -w -t "$READY_TIMEOUT" restart >/dev/null 2>&1 \
        || { [ -f "$pg_log" ] && tail -n 20 "$pg_log" >&2; die "postgres failed to restart (log: $pg_log)"; }
    fi
  else
    if port_taken "$PG_PORT"; then
      die "something else already listens on $HOST:$PG_PORT (another checkout's services? stop it with its own scripts/services.sh down)"
    fi
    local sock="$pgdata/.s.PGSQL.$PG_PORT"
    [ "${#sock}" -lt 107 ] || die "unix socket path too long (${#sock} > 106 bytes): $sock; use a shorter GAUNTLET_SERVICES_DIR"
    pg_write_conf
    log "starting postgres on $HOST:$PG_PORT (data $pgdata) ..."
    as_pg "$PG_BIN/pg_ctl" -D "$pgdata" -l "$pg_log" -w -t "$READY_TIMEOUT" start >/dev/null 2>&1 \
      || { [ -f "$pg_log" ] && tail -n 20 "$pg_log" >&2; die "postgres failed to start (log: $pg_log)"; }
  fi
  # Poll for readiness (bounded), never a fixed sleep.
  local deadline=$(( $(date +%s) + READY_TIMEOUT ))
  until pg_ready; do
    [ "$(date +%s)" -lt "$deadline" ] || { tail -n 20 "$pg_log" >&2 || true; die "postgres not ready on $HOST:$PG_PORT after ${READY_TIMEOUT}s (log: $pg_log)"; }
    sleep 0.1
  done
  pg_ensure_db
}

pg_ensure_db() {
  # Idempotent role + database, owned by the role (PG15: public schema belongs to the db owner).
  pg_super_psql >/dev/null <<EOF || die "could not create role/database $DB_NAME"
DO \$\$BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$DB_USER') THEN
    CREATE ROLE $DB_USER LOGIN PASSWORD '$DB_PASS';
  ELSE
    ALTER ROLE $DB_USER LOGIN PASSWORD '$DB_PASS';
  END IF;
END\$\$;
SELECT 'CREATE DATABASE $DB_NAME OWNER $DB_USER' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$DB_NAME')\gexec
EOF
  # Not a trusted extension, so the superuser creates it; the role then reads its own statements.
  pg_super_psql -d "$DB_NAME" -c 'CREATE EXTENSION IF NOT EXISTS pg_stat_statements' >/dev/null \
    || die "could not create extension pg_stat_statements in $DB_NAME"
  [ -n "$(pg_version)" ] || die "cannot connect as $DATABASE_URL"
}

pg_apply_sql() {
  local f
  for f in "$repo/src/data/schema.sql" "$repo/src/data/seed.sql"; do
    [ -f "$f" ] || continue
    log "applying ${f#"$repo"/} ..."
    PGPASSWORD="$DB_PASS" PGOPTIONS="-c client_min_messages=warning" "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$HOST" -p "$PG_PORT" \
        -U "$DB_USER" -d "$DB_NAME" -f "$f" >/dev/null \
      || die "applying $f failed (psql output above)"
  done
}

pg_stop() {
  if pg_running; then
    log "stopping postgres ..."
    as_pg "$PG_BIN/pg_ctl" -D "$pgdata" -m fast -w -t "$READY_TIMEOUT" stop >/dev/null \
      || die "pg_ctl stop failed (log: $pg_log)"
  fi
}

# ---------------------------------------------------------------- redis

redis_cli() { redis-cli -h "$HOST" -p "$REDIS_PORT" "$@"; }
redis_ours_pid() {  # pid of our redis-server (from our pidfile), or fail
  [ -f "$redis_pid" ] || return 1
  local pid; pid="$(tr -dc 0-9 <"$redis_pid")"
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q "redis-server" || return 1
  echo "$pid"
}
redis_running() { redis_ours_pid >/dev/null; }
redis_ready() { [ "$(redis_cli ping 2>/dev/null)" = "PONG" ]; }
redis_version() {
  redis_cli info server 2>/dev/null | tr -d '\r' | sed -n 's/^redis_version://p' || true
}

redis_start() {
  mkdir -p "$redisdir" || die "cannot create $redisdir"
  chown "$(redis_owner)": "$redisdir" 2>/dev/null || chown "$(redis_owner)" "$redisdir" || die "cannot chown $redisdir"
  chmod 700 "$redisdir"
  if ! redis_running; then
    if port_taken "$REDIS_PORT"; then
      die "something else already listens on $HOST:$REDIS_PORT (another checkout's services? stop it with its own scripts/services.sh down)"
    fi
    as_redis test -w "$redisdir" \
      || die "user $(redis_owner) cannot reach $redisdir: every parent directory must be traversable by it; set GAUNTLET_SERVICES_DIR elsewhere"
    rm -f "$redis_pid"
    log "starting redis on $HOST:$REDIS_PORT (dir $redisdir) ..."
    as_redis redis-server --bind "$HOST" --port "$REDIS_PORT" --protected-mode yes \
        --dir "$redisdir" --save '' --appendonly no \
        --daemonize yes --pidfile "$redis_pid" --logfile "$redis_log" \
      || { [ -f "$redis_log" ] && tail -n 20 "$redis_log" >&2; die "redis-server failed to start (log: $redis_log)"; }
  fi
  local deadline=$(( $(date +%s) + READY_TIMEOUT ))
  until redis_ready; do
    if [ -f "$redis_pid" ] && ! redis_running; then
      tail -n 20 "$redis_log" >&2 || true; die "redis-server exited during startup (log: $redis_log)"
    fi
    [ "$(date +%s)" -lt "$deadline" ] || { tail -n 20 "$redis_log" >&2 || true; die "redis not ready on $HOST:$REDIS_PORT after ${READY_TIMEOUT}s (log: $redis_log)"; }
    sleep 0.1
  done
  redis_running || die "redis answers on $HOST:$REDIS_PORT but not from our pidfile $redis_pid"
}

redis_stop() {
  local pid
  pid="$(redis_ours_pid)" || return 0
  log "stopping redis ..."
  # SAVE: the shortener's pending click counts live in Redis until flushed, so a clean stop keeps
  # them (dump.rdb in the data dir, loaded by the next start); NOSAVE only if the save fails.
  redis_cli shutdown save >/dev/null 2>&1 || redis_cli shutdown nosave >/dev/null 2>&1 || true
  local deadline=$(( $(date +%s) + READY_TIMEOUT ))
  while [ -d "/proc/$pid" ] && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q redis-server; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
      log "redis did not exit after shutdown; sending SIGTERM to pid $pid"
      kill -TERM "$pid" 2>/dev/null || true
      deadline=$(( $(date +%s) + 10 ))
      while [ -d "/proc/$pid" ]; do
        [ "$(date +%s)" -lt "$deadline" ] || die "redis (pid $pid) did not stop"
        sleep 0.1
      done
      break
    fi
    sleep 0.1
  done
  rm -f "$redis_pid"
}

# ---------------------------------------------------------------- output

json_str() { if [ -n "$1" ]; then printf '"%s"' "$1"; else printf 'null'; fi; }

pg_pid() { [ -f "$pgdata/postmaster.pid" ] && head -n1 "$pgdata/postmaster.pid" | tr -dc 0-9; }

status_json() {
  local pu=false ru=false pv="" rv="" pp=null rp=null
  if pg_running && pg_ready; then pu=true; pv="$(pg_version)"; pp="$(pg_pid)"; fi
  if redis_running && redis_ready; then ru=true; rv="$(redis_version)"; rp="$(redis_ours_pid)"; fi
  printf '{"DATABASE_URL":"%s","REDIS_URL":"%s","postgres":{"up":%s,"port":%d,"version":%s,"pid":%s},"redis":{"up":%s,"port":%d,"version":%s,"pid":%s}}\n' \
    "$DATABASE_URL" "$REDIS_URL" "$pu" "$PG_PORT" "$(json_str "$pv")" "${pp:-null}" "$ru" "$REDIS_PORT" "$(json_str "$rv")" "${rp:-null}"
}

up_json() {
  local pv rv
  pv="$(pg_version)"; rv="$(redis_version)"
  [ -n "$pv" ] || die "postgres is not answering on $DATABASE_URL"
  [ -n "$rv" ] || die "redis is not answering on $REDIS_URL"
  printf '{"DATABASE_URL":"%s","REDIS_URL":"%s","postgres":"%s","redis":"%s"}\n' \
    "$DATABASE_URL" "$REDIS_URL" "$pv" "$rv"
}

# What a run records of the services (run.json): versions, the settings that shape their speed, and
# the data they hold now (row counts; cache keys), as one JSON line.
facts_json() {
  pg_running && pg_ready || die "postgres is not running (scripts/services.sh up)"
  redis_running && redis_ready || die "redis is not running (scripts/services.sh up)"
  local pg_settings pg_rows redis_settings k v
  pg_settings="$(pg_super_psql -At -c "SELECT json_object_agg(name, current_setting(name)) FROM pg_settings WHERE name IN ('max_connections','shared_buffers','work_mem','effective_cache_size','synchronous_commit','fsync','full_page_writes','wal_level','jit','max_worker_processes','max_parallel_workers_per_gather','shared_preload_libraries')")"
  pg_rows="$(PGPASSWORD="$DB_PASS" "$PG_BIN/psql" -X -At -h "$HOST" -p "$PG_PORT" -U "$DB_USER" -d "$DB_NAME" -c \
    "SELECT json_build_object('items',(SELECT count(*) FROM items),'recipes',(SELECT count(*) FROM recipes),'ingredients',(SELECT count(*) FROM ingredients),'urls',(SELECT count(*) FROM urls),'click_batches',(SELECT count(*) FROM click_batches),'world',(SELECT count(*) FROM world))")"
  redis_settings=""
  for k in maxmemory maxmemory-policy appendonly save io-threads; do
    v="$(redis_cli config get "$k" 2>/dev/null | tr -d '\r' | sed -n 2p)"
    redis_settings="$redis_settings${redis_settings:+,}\"$k\":\"$v\""
  done
  printf '{"postgres":{"version":"%s","settings":%s,"rows":%s},"redis":{"version":"%s","settings":{%s},"keys":%s,"gauntletKeys":%s}}\n' \
    "$(pg_version)" "$pg_settings" "$pg_rows" "$(redis_version)" "$redis_settings" \
    "$(redis_cli dbsize | tr -dc 0-9)" "$(redis_cli --scan --pattern 'gauntlet:*' | wc -l | tr -dc 0-9)"
}

lock() {  # serialise concurrent invocations on the same data dir
  mkdir -p "$data" || die "cannot create $data"
  exec 9>"$data/.services.lock"
  if command -v flock >/dev/null 2>&1; then
    flock -w 300 9 || die "another scripts/services.sh is still running on $data"
  fi
}

usage() {
  echo "usage: $0 up|down|reset|status|facts|env|start postgres|redis|stop postgres|redis" >&2
  exit 2
}

cmd="${1:-}"
case "$cmd" in
  up)
    lock; ensure_packages
    pg_start; redis_start; pg_apply_sql
    up_json ;;
  reset)
    # Back to the seed, between benchmark cells: schema + seed again (seed.sql removes what the
    # endpoints wrote), and every gauntlet:* key of the cache (URLs, locks, pending clicks).
    lock; ensure_packages
    pg_running && pg_ready || die "postgres is not running (scripts/services.sh up)"
    redis_running && redis_ready || die "redis is not running (scripts/services.sh up)"
    pg_apply_sql
    redis_cli --scan --pattern 'gauntlet:*' | xargs -r redis-cli -h "$HOST" -p "$REDIS_PORT" del >/dev/null
    status_json ;;
  down)
    if have_packages; then lock; redis_stop; pg_stop; fi
    log "stopped" ;;
  status)
    if have_packages; then status_json; else
      printf '{"DATABASE_URL":"%s","REDIS_URL":"%s","postgres":{"up":false,"port":%d,"version":null},"redis":{"up":false,"port":%d,"version":null}}\n' \
        "$DATABASE_URL" "$REDIS_URL" "$PG_PORT" "$REDIS_PORT"
    fi
    exit 0 ;;
  facts)
    have_packages || die "Postgres and Redis are not installed (scripts/services.sh up installs them)"
    facts_json ;;
  env)
    printf 'export DATABASE_URL=%s\nexport REDIS_URL=%s\n' "$DATABASE_URL" "$REDIS_URL" ;;
  start|stop)
    svc="${2:-}"
    case "$svc" in postgres|redis) ;; *) usage ;; esac
    lock; ensure_packages
    case "$cmd-$svc" in
      start-postgres) pg_start ;;
      start-redis) redis_start ;;
      stop-postgres) pg_stop ;;
      stop-redis) redis_stop ;;
    esac
    status_json ;;
  *) usage ;;
esac
