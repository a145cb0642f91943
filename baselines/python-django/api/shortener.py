"""The URL shortener (docs/contract.md, "shortener"): short codes, code → URL resolution (cache-aside
with a stampede lock) and the click of every redirect. The batched flush of the clicks is api.clicks.

Every key, statement and script is the contract's, shared with every other target through the one
Redis and the one Postgres. Synchronous, as a Django view is: a request thread that loses the lock
sleeps between its polls (the other threads go on serving).
"""

import secrets
import time
from typing import Any

from gauntlet_data.protocol import (
    LOCK_TTL_MS,
    MAX_ATTEMPTS,
    MISSING,
    MISSING_TTL_MS,
    PENDING_KEY,
    UNLOCK_LUA,
    URL_TTL_MS,
    WAIT_STEPS_S,
    lock_key,
    new_code,
    url_key,
)

from . import cache, db

INSERT_URL = "INSERT INTO urls (code, url) VALUES (%s, %s) ON CONFLICT (code) DO NOTHING RETURNING code"
SELECT_STATS = "SELECT code, url, clicks FROM urls WHERE code = %s"
SELECT_URL = "SELECT url FROM urls WHERE code = %s"
COUNT_ONE = "UPDATE urls SET clicks = clicks + 1 WHERE code = %s"

# EVALSHA, and EVAL when Redis does not know the script yet (after a restart).
unlock = cache.redis.register_script(UNLOCK_LUA) if cache.redis is not None else None


def create(url: str) -> str | None:
    """A fresh code stored for `url` (validated and normalised); None after MAX_ATTEMPTS collisions."""
    for _ in range(MAX_ATTEMPTS):
        code = new_code()
        if db.fetch_one(INSERT_URL, [code, url]) is not None:
            return code
    return None


def stats(code: str) -> dict[str, Any] | None:
    """From Postgres only, never the cache."""
    row = db.fetch_one(SELECT_STATS, [code])
    if row is None:
        return None
    code, url, clicks = row
    return {"code": code, "url": url, "clicks": int(clicks)}


def read_db(code: str) -> str | None:
    row = db.fetch_one(SELECT_URL, [code])
    return None if row is None else row[0]


def resolve(code: str) -> str | None:
    """The code's URL, or None when there is no such code (503 if Postgres is needed and down)."""
    redis = cache.redis
    if redis is None:
        return read_db(code)
    try:
        cached = redis.get(url_key(code))
    except cache.errors:
        return read_db(code)
    if cached is not None:
        return cached or None
    return lookup(code)


def lookup(code: str) -> str | None:
    """A miss: one holder of the lock reads Postgres and fills the cache, the others wait for it."""
    redis, key = cache.redis, url_key(code)
    token = secrets.token_hex(16)
    try:
        won = redis.set(lock_key(code), token, nx=True, px=LOCK_TTL_MS)
    except cache.errors:
        return read_db(code)
    if won:
        try:
            try:
                # A holder before us may have filled it between our miss and our lock.
                filled = redis.get(key)
            except cache.errors:
                return read_db(code)  # no fill
            if filled is not None:
                return filled or None
            url = read_db(code)
            try:
                if url is None:
                    redis.set(key, MISSING, px=MISSING_TTL_MS)
                else:
                    redis.set(key, url, px=URL_TTL_MS)
            except cache.errors:
                pass  # the next miss fills it
            return url
        finally:
            try:
                unlock(keys=[lock_key(code)], args=[token])
            except cache.errors:
                pass  # it expires by itself
    for pause in WAIT_STEPS_S:
        time.sleep(pause)
        try:
            filled = redis.get(key)
        except cache.errors:
            break
        if filled is not None:
            return filled or None
    return read_db(code)  # the holder is slow or gone: read it ourselves, no fill


def count(code: str) -> None:
    """One click: in the pending hash (api.clicks applies it), or in Postgres if Redis does not take
    it (a DatabaseError from there is the view's 503: no redirect)."""
    if cache.redis is not None:
        try:
            cache.redis.hincrby(PENDING_KEY, code, 1)
            return
        except cache.errors:
            pass
    with db.cursor() as c:
        c.execute(COUNT_ONE, [code])
