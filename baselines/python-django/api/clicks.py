"""The click flush (docs/contract.md, "Click flush"): every 250 ms, the pending counts are taken from
Redis as a batch, applied to Postgres once (the `click_batches` ledger), then dropped from Redis.

One flusher per gunicorn worker process, on a thread of its own: gunicorn's `post_worker_init` hook
starts it and `worker_exit` stops it and flushes once more (gauntlet/gunicorn_hooks.py). gunicorn's
gthread worker runs that hook after its loop has stopped accepting and its open connections have
been answered (or the graceful timeout has passed), so the last clicks of a clean stop are counted.
Several flushers (one per worker, or other targets on the same services) may run at once: a batch
is taken atomically, and one applied twice is a no-op.

The flusher has a psycopg connection of its own rather than Django's. Django's connections belong to
request threads and are checked and replaced at request boundaries (`request_started` and
`request_finished`), which a background thread never reaches, so a connection Postgres dropped would
stay broken; the final flush also runs on the worker's main thread, whose Django connection would be
another one. This one is shared by both under a lock, opened when first needed, and replaced after
any failure.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.conf import settings

from gauntlet_data.protocol import (
    BATCH_FIELD,
    FINISH_LUA,
    FLUSH_INTERVAL_S,
    MAX_BATCHES_PER_FLUSH,
    PENDING_KEY,
    PROCESSING_KEY,
    TAKE_LUA,
)

from . import cache, db

if TYPE_CHECKING:
    # Both load only where a flusher runs (Postgres and Redis configured): connect() imports psycopg.
    import psycopg
    from redis import Redis

log = logging.getLogger("gauntlet.clicks")


FINAL_TRIES = 3
FINAL_PAUSE_S = 0.2

RECORD_BATCH = "INSERT INTO click_batches (id) VALUES (%s) ON CONFLICT (id) DO NOTHING RETURNING id"
ADD_BATCH = (
    "UPDATE urls AS u SET clicks = u.clicks + v.value::bigint "
    "FROM jsonb_each_text(%s::text::jsonb) AS v WHERE u.code = v.key"
)
PRUNE_BATCHES = "DELETE FROM click_batches WHERE applied_at < now() - interval '1 day'"


def connect() -> psycopg.Connection:
    """A connection with the settings of Django's (settings.DATABASES): autocommit, every statement
    prepared on first use, server-side binding (psycopg's default cursor), 2 s connect timeout."""
    import psycopg

    conf = settings.DATABASES["default"]
    params = {
        "dbname": conf["NAME"],
        "user": conf["USER"],
        "password": conf["PASSWORD"],
        "host": conf["HOST"],
        "port": conf["PORT"],
    }
    # `server_side_binding` is Django's option (its cursor class), not a connection parameter.
    options = {k: v for k, v in conf["OPTIONS"].items() if k != "server_side_binding"}
    return psycopg.connect(autocommit=True, **{k: v for k, v in params.items() if v}, **options)


class ClickFlusher:
    """Every 250 ms: take the pending counts as a batch, apply it once, then drop it."""

    def __init__(self, redis: Redis, open_connection: Callable[[], psycopg.Connection]) -> None:
        self.take = redis.register_script(TAKE_LUA)
        self.finish = redis.register_script(FINISH_LUA)
        self.open_connection = open_connection
        self.conn: psycopg.Connection | None = None
        self.lock = threading.Lock()  # one flush at a time: the timer's, or the final one
        self.failing = False
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None

    def start(self) -> None:
        # A daemon thread: a worker that dies without its exit hook does not hang on it.
        self.thread = threading.Thread(target=self._run, name="click-flusher", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        with self.lock:
            try:
                self._connection().execute(PRUNE_BATCHES)  # once per start
            except Exception as exc:  # noqa: BLE001 — logged; the flush goes on without it
                log.warning("clicks: could not prune click_batches: %s: %s", type(exc).__name__, exc)
                self._drop_connection()
        while not self.stopping.wait(FLUSH_INTERVAL_S):
            self.flush()

    def _connection(self) -> psycopg.Connection:
        if self.conn is None or self.conn.closed:
            self.conn = self.open_connection()
        return self.conn

    def _drop_connection(self) -> None:
        if self.conn is not None:
            self.conn.close()  # never raises; a transaction left open is rolled back by Postgres
            self.conn = None

    def _apply_one(self) -> bool:
        """One batch taken, applied, finished; False when there was nothing to take."""
        flat = self.take(keys=[PENDING_KEY, PROCESSING_KEY], args=[str(uuid.uuid4())])
        counts = dict(zip(flat[0::2], flat[1::2], strict=True))
        batch_id = counts.pop(BATCH_FIELD, None)
        if batch_id is None:
            return False
        conn = self._connection()
        # One transaction: the ledger row, and the counts only if the row is new (a batch re-applied
        # after a lost reply is a no-op).
        with conn.transaction():
            if conn.execute(RECORD_BATCH, [batch_id]).fetchone() is not None:
                conn.execute(ADD_BATCH, [json.dumps(counts, separators=(",", ":"))])
        self.finish(keys=[PROCESSING_KEY], args=[batch_id])
        return True

    def flush(self) -> bool:
        """A batch left by a failed flush first, then the pending one; at most 3 batches. Any
        failure is logged once and retried on the next flush (the batch stays in Redis)."""
        with self.lock:
            try:
                for _ in range(MAX_BATCHES_PER_FLUSH):
                    if not self._apply_one():
                        break
            except Exception as exc:  # noqa: BLE001 — Redis or Postgres: the next flush retries
                if not self.failing:
                    log.warning("clicks: flush failed, will retry: %s: %s", type(exc).__name__, exc)
                self.failing = True
                self._drop_connection()  # a fresh one next time: this one may be broken
                return False
            if self.failing:
                log.warning("clicks: flush recovered")
            self.failing = False
            return True

    def stop(self) -> None:
        """Stops the timer and applies what is left (a few tries if it fails), then disconnects."""
        self.stopping.set()
        if self.thread is not None:
            self.thread.join()  # at most the flush under way: each Redis call ≤ 1 s, connect ≤ 2 s
        for attempt in range(FINAL_TRIES):
            if self.flush():
                break
            if attempt + 1 < FINAL_TRIES:
                time.sleep(FINAL_PAUSE_S)
        with self.lock:
            self._drop_connection()


flusher: ClickFlusher | None = None


def start() -> None:
    """This worker's flusher, when it has both Postgres and Redis (gunicorn's post_worker_init)."""
    global flusher
    if cache.redis is not None and db.configured() and flusher is None:
        flusher = ClickFlusher(cache.redis, connect)
        flusher.start()


def stop() -> None:
    """The final flush (gunicorn's worker_exit)."""
    if flusher is not None:
        flusher.stop()
