"""Postgres through asyncpg, `/health`, and `Data`: what a server opens at start and closes at
its stop (docs/contract.md, "shortener and db").

Both backends come from the environment only (`DATABASE_URL`, `REDIS_URL`; see config.py); a
malformed one stops the server at start, naming the variable. A missing one is backend `none`:
without Postgres every data endpoint answers 503 `unavailable`; without Redis the shortener reads
and counts in Postgres.

Postgres: one asyncpg pool per process, at most 16 connections per target (16 / WORKERS, rounded
up, in each worker process), 2 s connect timeout, statements prepared by asyncpg's per-connection
cache. The pool starts empty (`min_size=0`) and connects on demand, so a server started while
Postgres is down starts anyway, answers 503, and serves again once Postgres is back; a connection
Postgres closed is replaced at its next acquire. A released connection is not reset (see
`keep_session`): the only statements sent are the contract's.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any, TypeVar

from gauntlet_data import sql
from gauntlet_data.config import database_url, per_worker, redis_url

if TYPE_CHECKING:
    # Imported where a pool opens (Db.open): a server without DATABASE_URL never loads asyncpg,
    # as a TS target without it never loads postgres.js.
    import asyncpg

    from gauntlet_data.cache import Cache

T = TypeVar("T")

POOL_PER_TARGET = 16  # Postgres connections: the contract's bound for a whole target
POOL_MAX = per_worker(POOL_PER_TARGET)  # ... shared out over its worker processes
CONNECT_TIMEOUT_S = 2.0
HEALTH_TIMEOUT_S = 1.0

# SQLSTATE classes that mean "Postgres is not there" (connection exception, insufficient
# resources, operator intervention, system error): 503, not a bug.
UNAVAILABLE_CLASSES = ("08", "53", "57", "58")


class DataUnavailable(Exception):
    """Postgres cannot be reached, or this server runs without it: each app answers 503 `unavailable`."""

    def __init__(self, message: str = "the database is unavailable") -> None:
        super().__init__(message)
        self.message = message


def is_unavailable(exc: BaseException) -> bool:
    """Connection-level failures: refused, closed, timed out, or SQLSTATE 08/53/57/58."""
    import asyncpg  # loaded already: only a Db, which opened a pool, raises here

    if isinstance(exc, asyncpg.PostgresError):
        return str(getattr(exc, "sqlstate", "") or "")[:2] in UNAVAILABLE_CLASSES
    if isinstance(exc, (OSError, TimeoutError, asyncio.TimeoutError)):
        return True
    # asyncpg's client-side check on a connection that has gone away.
    return isinstance(exc, asyncpg.InterfaceError) and "connection is closed" in str(exc)


async def keep_session(conn: asyncpg.Connection) -> None:
    """The pool's `reset`: nothing to undo, so nothing is sent.

    asyncpg's default runs `SELECT pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL;`
    on every release, a round trip per query that no other target makes. These apps take no
    advisory locks, open no cursors, listen to nothing and set no session variables, so there is
    nothing to reset. asyncpg still rolls back a transaction left open on release.
    """


class Db:
    """The asyncpg pool, with connection failures raised as `DataUnavailable`."""

    backend = "postgres"

    def __init__(self, url: str, max_size: int = POOL_MAX) -> None:
        self.url = url
        self.max_size = max_size
        self.pool: asyncpg.Pool | None = None

    async def open(self) -> None:
        import asyncpg

        # min_size=0: nothing is connected here, so Postgres may be down at start.
        self.pool = await asyncpg.create_pool(
            self.url,
            min_size=0,
            max_size=self.max_size,
            timeout=CONNECT_TIMEOUT_S,
            reset=keep_session,
        )

    async def close(self) -> None:
        if self.pool is not None:
            try:
                await asyncio.wait_for(self.pool.close(), 2)
            except (Exception, asyncio.CancelledError):  # noqa: BLE001 — whatever failed, drop the connections
                self.pool.terminate()

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[asyncpg.Connection]:
        """One pooled connection; failures to reach Postgres raise `DataUnavailable`."""
        assert self.pool is not None
        try:
            async with self.pool.acquire() as conn:
                yield conn
        except Exception as exc:
            if is_unavailable(exc):
                raise DataUnavailable() from exc
            raise

    async def fetch(self, statement: str, *args: Any) -> list[asyncpg.Record]:
        return await self._reached(self.pool.fetch, statement, *args)  # type: ignore[union-attr]

    async def fetchrow(self, statement: str, *args: Any) -> asyncpg.Record | None:
        return await self._reached(self.pool.fetchrow, statement, *args)  # type: ignore[union-attr]

    async def execute(self, statement: str, *args: Any) -> str:
        return await self._reached(self.pool.execute, statement, *args)  # type: ignore[union-attr]

    @staticmethod
    async def _reached(call: Callable[..., Awaitable[T]], *args: Any) -> T:
        """`call(*args)`; a failure to reach Postgres raises `DataUnavailable`, any other error stays as it is."""
        try:
            return await call(*args)
        except Exception as exc:
            if is_unavailable(exc):
                raise DataUnavailable() from exc
            raise

    async def ping(self) -> bool:
        try:
            async with asyncio.timeout(HEALTH_TIMEOUT_S):
                await self.pool.fetchval(sql.PING)  # type: ignore[union-attr]
            return True
        except Exception:  # noqa: BLE001 — any failure of `SELECT 1` means "down"
            return False


class Data:
    """What a server opened at start: `db` and `cache` are None when their variable is not set
    (or, for `cache`, when the target serves no Redis)."""

    def __init__(self, db: Db | None, cache: Cache | None) -> None:
        self.db = db
        self.cache = cache

    @classmethod
    async def open(cls, *, cache: bool = True, pool_max: int = POOL_MAX) -> Data:
        """`cache=False`: a target that uses no Redis (its venv has no redis-py); `REDIS_URL` is not read.
        `pool_max`: POOL_PER_TARGET for a target whose WORKERS are threads of one process."""
        db_url, cache_url = database_url(), redis_url() if cache else None  # both checked before anything opens
        db = Db(db_url, pool_max) if db_url else None
        if db is not None:
            await db.open()
        if cache_url is None:
            return cls(db, None)
        # Imported here: redis-py is installed only by the targets that serve the shortener.
        from gauntlet_data.cache import Cache

        return cls(db, Cache(cache_url))

    async def close(self) -> None:
        if self.cache is not None:
            await self.cache.close()
        if self.db is not None:
            await self.db.close()

    def require_db(self) -> Db:
        if self.db is None:
            raise DataUnavailable("this server runs without a database (DATABASE_URL is not set)")
        return self.db

    async def health(self) -> dict[str, Any]:
        """Both checks at once, each bounded by 1 s."""

        async def down() -> bool:
            return False

        db_up, cache_up = await asyncio.gather(
            self.db.ping() if self.db else down(),
            self.cache.ping() if self.cache else down(),
        )
        db = {"backend": self.db.backend if self.db else "none", "up": db_up}
        cache = {"backend": self.cache.backend if self.cache else "none", "up": cache_up}
        in_use = [s for s in (db, cache) if s["backend"] != "none"]
        return {"status": "ok" if all(s["up"] for s in in_use) else "degraded", "db": db, "cache": cache}
