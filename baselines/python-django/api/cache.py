"""Redis through redis-py's sync client (hiredis parses the replies), one pool per worker process.

The pool is opened when this module is imported, which gunicorn does in each worker after the fork
(no `--preload`), so no connection is shared across processes. It holds one connection per request
thread and one for the click flusher (settings.REDIS_POOL_SIZE). Every command fails fast while
Redis is down: 1 s to connect, 1 s per reply, 1 s waiting for a pooled connection, and no retry,
so a command that errored was never sent twice; a dead connection is replaced at its next use.

redis-py is imported only when REDIS_URL is set, as the TS targets load ioredis only then: a worker
without a cache carries none of it. `errors` is what a command raises while Redis is down (nothing
without a cache), for the shortener's fallbacks to catch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:
    from redis import Redis


def _open(url: str | None) -> tuple[Redis | None, tuple[type[Exception], ...]]:
    if url is None:
        return None, ()
    from redis import BlockingConnectionPool, Redis
    from redis.backoff import NoBackoff
    from redis.exceptions import RedisError
    from redis.retry import Retry

    pool = BlockingConnectionPool.from_url(
        url,
        max_connections=settings.REDIS_POOL_SIZE,
        timeout=settings.REDIS_TIMEOUT_S,
        socket_timeout=settings.REDIS_TIMEOUT_S,
        socket_connect_timeout=settings.REDIS_TIMEOUT_S,
        retry=Retry(NoBackoff(), 0),  # a command that failed is not sent again
        decode_responses=True,
    )
    return Redis(connection_pool=pool), (RedisError,)


redis, errors = _open(settings.REDIS_URL)  # None, (): this server runs without a cache (REDIS_URL is not set)


def ping() -> bool:
    """`PING` answered within 1 s (the socket timeout)."""
    if redis is None:
        return False
    try:
        return bool(redis.ping())
    except errors:
        return False
