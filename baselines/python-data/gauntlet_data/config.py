"""Configuration from the environment only: `DATABASE_URL` (postgres://…) and `REDIS_URL`
(redis://…). Unset or empty → that backend is `none`. A malformed one stops the server at
start with a message naming the variable: each serve script runs this module before its server
(`python -m gauntlet_data.config <target>`, so the exit code says so), and `Data.open` checks
again (for a server started by hand).
"""

import os
import re
import sys
from urllib.parse import urlsplit


class ConfigError(RuntimeError):
    pass


def _env_url(name: str, schemes: tuple[str, ...]) -> str | None:
    value = os.environ.get(name)
    if not value:
        return None
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 — raises ValueError on a port that is not a number in range
    except ValueError as exc:
        raise ConfigError(f"{name} is not a valid URL: {exc}") from None
    if parts.scheme not in schemes:
        raise ConfigError(f"{name} must be a {' or '.join(s + '://' for s in schemes)} URL, got {value!r}")
    if not parts.hostname and "host=" not in parts.query:
        raise ConfigError(f"{name} names no host: {value!r}")
    return value


def database_url() -> str | None:
    return _env_url("DATABASE_URL", ("postgres", "postgresql"))


def redis_url() -> str | None:
    return _env_url("REDIS_URL", ("redis", "rediss"))


def workers() -> int:
    """`WORKERS` (default 1): the workers serving the target, one per server core; the serve
    script passes it to the server, and each worker process sizes its pools by it."""
    value = os.environ.get("WORKERS") or "1"
    if not re.fullmatch(r"[0-9]+", value) or not 1 <= int(value) <= 1024:
        raise ConfigError(f"WORKERS must be an integer 1…1024, got {value!r}")
    return int(value)


def per_worker(total: int) -> int:
    """One worker process's share of a per-target connection bound, rounded up (docs/contract.md,
    "Workers"): 16 Postgres connections over 2 workers is 8 each."""
    return -(-total // workers())


def check(target: str, *, cache: bool = True) -> None:
    """Exits naming the variable when one is malformed. `cache=False`: the target uses no Redis,
    so `REDIS_URL` is not read."""
    try:
        database_url()
        if cache:
            redis_url()
        workers()
    except ConfigError as error:
        sys.exit(f"{target}: {error}")


if __name__ == "__main__":
    # python -m gauntlet_data.config <target> [--no-cache]
    check(sys.argv[1] if len(sys.argv) > 1 else "gauntlet", cache="--no-cache" not in sys.argv[2:])
