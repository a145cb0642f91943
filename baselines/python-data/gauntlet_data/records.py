"""The db family (docs/contract.md, "db"): each endpoint's statement and the JSON it answers, over
the pool of data.py. Inputs arrive validated by the app; what is returned is ready to serialise.
A missing row is None (the app's 404); Postgres out of reach raises `DataUnavailable` (its 503).
"""

import asyncio
import math
import random
import re
from typing import Any

from gauntlet_data import sql
from gauntlet_data.data import Db

WORLD_ROWS = 10_000
MAX_QUERIES = 500
QUERIES_N = re.compile(r"-?[0-9]+")


def has_cents(price: float) -> bool:
    """The contract's price test, `round(price × 100) / 100 == price` in binary64, with JavaScript's
    Math.round (halves up; Python's round() halves to even): 12.5 and 12.34 pass, 12.345 does not."""
    scaled = price * 100
    floor = math.floor(scaled)
    return (floor + 1 if scaled - floor >= 0.5 else floor) / 100 == price


def cents(price: float) -> float:
    """`price` if it passes `has_cents`, else ValueError: a pydantic `AfterValidator`'s failure, at the field."""
    if not has_cents(price):
        raise ValueError("expected at most two decimal places")
    return price


def queries_count(values: list[str]) -> int:
    """TechEmpower's rule for the first `n`: an integer (of any size) clamped to 1…500, else 1."""
    raw = values[0] if values else ""
    if not QUERIES_N.fullmatch(raw):
        return 1
    negative, magnitude = raw.startswith("-"), raw.lstrip("-").lstrip("0")
    if negative or not magnitude:
        return 1
    return MAX_QUERIES if len(magnitude) > 3 else min(int(magnitude), MAX_QUERIES)


def item_json(row: Any) -> dict[str, Any]:
    price = row["price"]  # float8; a whole price is written as an integer (693, not 693.0)
    return {
        "id": row["id"],
        "name": row["name"],
        "description": row["description"],
        "price": int(price) if price.is_integer() else price,
        "stock": row["stock"],
    }


def world_json(row: Any) -> dict[str, int]:
    return {"id": row["id"], "randomNumber": row["randomnumber"]}


async def list_items(db: Db, limit: int, offset: int) -> dict[str, Any]:
    rows = await db.fetch(sql.SELECT_ITEMS, limit, offset)
    return {"items": [item_json(r) for r in rows], "limit": limit, "offset": offset}


async def item(db: Db, item_id: int) -> dict[str, Any] | None:
    row = await db.fetchrow(sql.SELECT_ITEM, item_id)
    return None if row is None else item_json(row)


async def create_item(db: Db, name: str, description: str, price: float, stock: int) -> dict[str, Any]:
    return item_json(await db.fetchrow(sql.INSERT_ITEM, name, description, price, stock))


async def random_world(db: Db) -> dict[str, int]:
    return world_json(await db.fetchrow(sql.SELECT_WORLD, random.randint(1, WORLD_ROWS)))


async def random_worlds(db: Db, n: int) -> list[dict[str, int]]:
    """n separate executions of the one prepared statement, concurrently: each `fetchrow` takes its
    own pooled connection (asyncpg runs one query at a time per connection), at most the pool's
    size at once, the rest waiting for one. Never one IN query."""
    rows = await asyncio.gather(*(db.fetchrow(sql.SELECT_WORLD, random.randint(1, WORLD_ROWS)) for _ in range(n)))
    return [world_json(r) for r in rows]


async def recipes(db: Db, limit: int) -> dict[str, Any]:
    """One join, folded into recipes (rows come ordered by recipe, then position)."""
    folded: list[dict[str, Any]] = []
    current: dict[str, Any] | None = None
    for row in await db.fetch(sql.SELECT_RECIPES, limit):
        if current is None or current["id"] != row["id"]:
            current = {
                "id": row["id"],
                "name": row["name"],
                "servings": row["servings"],
                "minutes": row["minutes"],
                "ingredients": [],
            }
            folded.append(current)
        current["ingredients"].append({"name": row["ingredient"], "amount": row["amount"]})
    return {"recipes": folded}
