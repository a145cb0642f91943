"""The URL shortener's moving parts (docs/contract.md, "shortener"): short codes, code → URL
resolution (cache-aside with a stampede lock), and click counting, exactly once, in batches.

Every key, statement (sql.py) and script below is the contract's, shared with every other target
through the one Redis and the one Postgres. Imported by the targets that serve the shortener, whose
venvs have redis-py; redis-py itself loads only with a cache (Data.open, with REDIS_URL set), so the
errors caught here are the cache's own (`Cache.errors`).
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import uuid
from typing import TYPE_CHECKING, Any

from gauntlet_data import sql
from gauntlet_data.data import Data, Db
from gauntlet_data.protocol import (
    BATCH_FIELD,
    FINISH_LUA,
    FLUSH_INTERVAL_S,
    LOCK_TTL_MS,
    MAX_ATTEMPTS,
    MAX_BATCHES_PER_FLUSH,
    MISSING,
    MISSING_TTL_MS,
    PENDING_KEY,
    PROCESSING_KEY,
    TAKE_LUA,
    UNLOCK_LUA,
    URL_TTL_MS,
    WAIT_STEPS_S,
    lock_key,
    new_code,
    url_key,
)

if TYPE_CHECKING:
    from gauntlet_data.cache import Cache

log = logging.getLogger("gauntlet.shortener")


async def create(db: Db, url: str) -> str | None:
    """A fresh code stored for `url` (already validated and normalised); None after MAX_ATTEMPTS collisions."""
    for _ in range(MAX_ATTEMPTS):
        code = new_code()
        if await db.fetchrow(sql.INSERT_URL, code, url) is not None:
            return code
    return None


async def stats(db: Db, code: str) -> dict[str, Any] | None:
    row = await db.fetchrow(sql.SELECT_STATS, code)
    if row is None:
        return None
    return {"code": row["code"], "url": row["url"], "clicks": int(row["clicks"])}


class Redirects:
    """Code → URL (cache-aside, stampede-guarded), and the click of every redirect."""

    def __init__(self, db: Db, cache: Cache | None) -> None:
        self.db = db
        self.cache = cache
        # Single flight: concurrent misses of one code in this process share one lookup.
        self.flights: dict[str, asyncio.Future[str | None]] = {}
        # What a Redis call raises while Redis is down: then Postgres answers (nothing without a cache).
        self.cache_errors: tuple[type[Exception], ...] = cache.errors if cache is not None else ()
        if cache is not None:
            self.unlock_script = cache.redis.register_script(UNLOCK_LUA)

    async def read_db(self, code: str) -> str | None:
        row = await self.db.fetchrow(sql.SELECT_URL, code)
        return None if row is None else row["url"]

    async def resolve(self, code: str) -> str | None:
        """The code's URL, or None when there is no such code (503 if Postgres is needed and down)."""
        if self.cache is None:
            return await self.read_db(code)
        try:
            cached = await self.cache.redis.get(url_key(code))
        except self.cache_errors:
            return await self.read_db(code)
        if cached is not None:
            return cached or None
        flight = self.flights.get(code)
        if flight is None:
            flight = asyncio.ensure_future(self.lookup(code))
            self.flights[code] = flight
            flight.add_done_callback(lambda done: self._landed(code, done))
        # Shielded: a client that goes away does not cancel the lookup the others wait for.
        return await asyncio.shield(flight)

    def _landed(self, code: str, flight: asyncio.Future[str | None]) -> None:
        if self.flights.get(code) is flight:
            del self.flights[code]
        if not flight.cancelled():
            flight.exception()  # retrieved here too, in case every waiter has gone

    async def lookup(self, code: str) -> str | None:
        redis = self.cache.redis  # type: ignore[union-attr]
        key = url_key(code)
        token = secrets.token_hex(16)
        try:
            won = await redis.set(lock_key(code), token, nx=True, px=LOCK_TTL_MS)
        except self.cache_errors:
            return await self.read_db(code)
        if won:
            try:
                try:
                    # A holder before us may have filled it between our miss and our lock.
                    filled = await redis.get(key)
                except self.cache_errors:
                    return await self.read_db(code)  # no fill
                if filled is not None:
                    return filled or None
                url = await self.read_db(code)
                try:
                    if url is None:
                        await redis.set(key, MISSING, px=MISSING_TTL_MS)
                    else:
                        await redis.set(key, url, px=URL_TTL_MS)
                except self.cache_errors:
                    pass  # the next miss fills it
                return url
            finally:
                try:
                    await self.unlock_script(keys=[lock_key(code)], args=[token])
                except self.cache_errors:
                    pass  # it expires by itself
        for pause in WAIT_STEPS_S:
            await asyncio.sleep(pause)
            try:
                filled = await redis.get(key)
            except self.cache_errors:
                break
            if filled is not None:
                return filled or None
        return await self.read_db(code)  # the holder is slow or gone: read it ourselves, no fill

    async def count(self, code: str) -> None:
        """One click: in the pending hash, or in Postgres if Redis does not take it."""
        if self.cache is not None:
            try:
                await self.cache.redis.hincrby(PENDING_KEY, code, 1)
                return
            except self.cache_errors:
                pass
        await self.db.execute(sql.COUNT_ONE_CLICK, code)


class ClickFlusher:
    """Every 250 ms: take the pending counts as a batch, apply it once, then drop it."""

    def __init__(self, db: Db, cache: Cache) -> None:
        self.db = db
        self.redis = cache.redis
        self.take = self.redis.register_script(TAKE_LUA)
        self.finish = self.redis.register_script(FINISH_LUA)
        self.lock = asyncio.Lock()
        self.failing = False
        self.stopping = asyncio.Event()
        self.task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self.task = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        try:
            await self.db.execute(sql.PRUNE_BATCHES)  # once per start
        except Exception as exc:  # noqa: BLE001 — logged; the flush goes on without it
            log.warning("shortener: could not prune click_batches: %s: %s", type(exc).__name__, exc)
        while not self.stopping.is_set():
            try:
                await asyncio.wait_for(self.stopping.wait(), FLUSH_INTERVAL_S)
            except TimeoutError:
                pass
            if not self.stopping.is_set():
                await self.flush()

    async def apply_one(self) -> bool:
        """One batch taken, applied, finished; False when there was nothing to take."""
        flat = await self.take(keys=[PENDING_KEY, PROCESSING_KEY], args=[str(uuid.uuid4())])
        if not flat:
            return False
        batch_id: str | None = None
        counts: dict[str, str] = {}
        for field, value in zip(flat[0::2], flat[1::2], strict=True):
            if field == BATCH_FIELD:
                batch_id = value
            else:
                counts[field] = value
        if batch_id is None:
            return False
        # One transaction: the ledger row, and the counts only if the row is new (a batch
        # re-applied after a lost reply is a no-op).
        async with self.db.connection() as conn, conn.transaction():
            if await conn.fetchval(sql.RECORD_BATCH, batch_id) is not None:
                await conn.execute(sql.ADD_BATCH, json.dumps(counts, separators=(",", ":")))
        await self.finish(keys=[PROCESSING_KEY], args=[batch_id])
        return True

    async def flush(self) -> None:
        """A batch left by a failed flush first, then the pending one; at most 3 batches."""
        async with self.lock:
            try:
                for _ in range(MAX_BATCHES_PER_FLUSH):
                    if not await self.apply_one():
                        break
                if self.failing:
                    log.warning("shortener: click flush recovered")
                self.failing = False
            except Exception as exc:  # noqa: BLE001 — any failure: log once, retry on the next flush
                if not self.failing:
                    log.warning("shortener: click flush failed, will retry: %s: %s", type(exc).__name__, exc)
                self.failing = True

    async def stop(self) -> None:
        """Stops the periodic flush and applies what is left (a few tries if it fails)."""
        self.stopping.set()
        if self.task is not None:
            await self.task
        for _ in range(3):
            await self.flush()
            if not self.failing:
                return
            await asyncio.sleep(0.2)


def start(data: Data) -> tuple[Redirects | None, ClickFlusher | None]:
    if data.db is None:
        return None, None
    flusher = None
    if data.cache is not None:
        flusher = ClickFlusher(data.db, data.cache)
        flusher.start()
    return Redirects(data.db, data.cache), flusher
