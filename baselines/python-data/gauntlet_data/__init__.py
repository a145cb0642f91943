"""The Python baselines' data layer (docs/contract.md, "shortener and db"): configuration from the
environment, the asyncpg pool, the redis.asyncio client, the shortener and the db family's queries.

Shared by every Python target that serves a data family (fastapi, starlette, robyn, spikard); each
serve script puts `baselines/python-data` on `PYTHONPATH`. The framework stays outside: a failure
to reach Postgres is `DataUnavailable`, which each app answers as its 503 `unavailable`.

- `config`: `DATABASE_URL`, `REDIS_URL`, `WORKERS` and the per-worker share of a pool.
- `sql`: every statement a target may send (the text of contract/sql.ts).
- `data`: the Postgres pool (`Db`), `/health`, and `Data`, what a server opens at start.
- `cache`: the Redis client (imported only by the targets that serve the shortener).
- `records`: the db family's reads and writes, as JSON-ready values.
- `protocol`: the shortener's codes, keys, expiries and Lua scripts, with no client library (Django's too).
- `shortener`: codes, redirects (cache-aside with a stampede lock) and the click flush.
"""
