"""Postgres through Django's connection (psycopg 3): the contract's statements, parameterised.

Raw SQL, not the ORM: the contract fixes every statement, and the ORM would write others (quoted
column lists, LIMIT/OFFSET inlined as literals, no `::float8`). `%s` is psycopg's placeholder; with
server-side binding (settings.DATABASES) psycopg sends `$1, $2…`, the contract's text exactly.
"""

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import contextmanager, suppress
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection

from .http import unavailable

ITEM = "id, name, description, price::float8 AS price, stock"
SELECT_ITEMS = f"SELECT {ITEM} FROM items ORDER BY id LIMIT %s OFFSET %s"
SELECT_ITEM = f"SELECT {ITEM} FROM items WHERE id = %s"
INSERT_ITEM = f"INSERT INTO items (name, description, price, stock) VALUES (%s, %s, %s, %s) RETURNING {ITEM}"
SELECT_WORLD = "SELECT id, randomnumber FROM world WHERE id = %s"
SELECT_RECIPES = (
    "SELECT r.id, r.name, r.servings, r.minutes, i.name AS ingredient, i.amount "
    "FROM (SELECT id, name, servings, minutes FROM recipes ORDER BY id LIMIT %s) AS r "
    "JOIN ingredients AS i ON i.recipe_id = r.id ORDER BY r.id, i.position"
)

HEALTH_TIMEOUT_S = 1.0


def configured() -> bool:
    # Not `"default" in DATABASES`: without one, Django adds a dummy "default" on first use.
    return settings.DATABASES.get("default", {}).get("ENGINE") == "django.db.backends.postgresql"


@contextmanager
def cursor() -> Any:
    """A cursor on this thread's persistent connection; 503 when there is no database at all
    (connection failures become 503 in api.middleware.ApiErrors)."""
    if not configured():
        raise unavailable("this server runs without a database (DATABASE_URL is not set)")
    with connection.cursor() as c:
        yield c


def fetch_all(sql: str, params: list[Any]) -> list[tuple]:
    with cursor() as c:
        c.execute(sql, params)
        return c.fetchall()


def fetch_one(sql: str, params: list[Any]) -> tuple | None:
    with cursor() as c:
        c.execute(sql, params)
        return c.fetchone()


def item_json(row: tuple) -> dict[str, Any]:
    item_id, name, description, price, stock = row
    # float8; a whole price is written as an integer (693, not 693.0)
    return {
        "id": item_id,
        "name": name,
        "description": description,
        "price": int(price) if price.is_integer() else price,
        "stock": stock,
    }


# /health's check runs on a thread of its own (with its own persistent Django connection), so that
# the request can give up on it after 1 s whatever the connect timeout is.
_health = ThreadPoolExecutor(max_workers=1, thread_name_prefix="health")


def _select_one() -> bool:
    try:
        with connection.cursor() as c:
            c.execute("SELECT 1")
            c.fetchone()
        return True
    except DatabaseError:
        with suppress(DatabaseError):
            connection.close()  # reconnect on the next check
        return False


def start_ping() -> Callable[[], bool]:
    """Sends `SELECT 1` now; the call returned tells whether it was answered within 1 s of now
    (so /health can check the cache meanwhile)."""
    deadline = time.monotonic() + HEALTH_TIMEOUT_S
    answer = _health.submit(_select_one)

    def answered() -> bool:
        try:
            return answer.result(timeout=max(0.0, deadline - time.monotonic()))
        except FutureTimeout:
            return False

    return answered
