"""Redis through redis.asyncio (docs/contract.md, "shortener and db"): a bounded pool of
connections; every command fails fast while Redis is down (1 s socket and connect timeouts, no
retry, so a command that errors was never resent); a dead connection is replaced by a fresh one
at its next use. Imported only by the targets that serve the shortener (their venvs have redis-py).
"""

import asyncio

from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

from gauntlet_data.config import per_worker
from gauntlet_data.data import HEALTH_TIMEOUT_S

REDIS_TIMEOUT_S = 1.0  # per command and per connect: fail fast while Redis is down
REDIS_POOL_MAX = per_worker(64)  # Redis connections per process (64 per target); a command waits ≤ REDIS_TIMEOUT_S


class Cache:
    """redis.asyncio over a bounded pool; every call raises `RedisError` while Redis is down."""

    backend = "redis"
    # What every call raises while Redis is down (a connection error or timeout is a RedisError).
    errors: tuple[type[Exception], ...] = (RedisError,)

    def __init__(self, url: str) -> None:
        pool = BlockingConnectionPool.from_url(
            url,
            max_connections=REDIS_POOL_MAX,
            timeout=REDIS_TIMEOUT_S,
            socket_timeout=REDIS_TIMEOUT_S,
            socket_connect_timeout=REDIS_TIMEOUT_S,
            retry=Retry(NoBackoff(), 0),  # a command that failed is not sent again
            decode_responses=True,
        )
        self.redis = Redis.from_pool(pool)

    async def close(self) -> None:
        try:
            await asyncio.wait_for(self.redis.aclose(), 1)
        except (Exception, asyncio.CancelledError):  # noqa: BLE001 — closing a dead connection may fail
            pass

    async def ping(self) -> bool:
        try:
            async with asyncio.timeout(HEALTH_TIMEOUT_S):
                return bool(await self.redis.ping())
        except (RedisError, OSError, TimeoutError):
            return False
