"""Production settings of the Gauntlet catalogue on Django (docs/contract.md).

Everything comes from the environment: `DATABASE_URL` (postgres://…; unset → no database, the db
endpoints answer 503), `REDIS_URL` (redis://…; unset → no cache, the shortener reads and counts in
Postgres), `WORKERS` (gunicorn worker processes, default 1), `ALLOWED_HOSTS` (comma-separated, default
`*`), `DJANGO_SECRET_KEY`. A malformed one stops the server at start, naming the variable.
"""

import os
import secrets
import sys
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

DEBUG = False

# Nothing is signed or kept across restarts (no sessions, no cookies), so a per-process key will do.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(50)
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "*").split(",") if h.strip()]

INSTALLED_APPS = ["api"]  # no contrib apps: no admin, auth, sessions, messages or static files

# Only what an API in production needs. No CsrfViewMiddleware: CSRF protects cookie-authenticated
# browser sessions, and this API has neither sessions nor cookies, so its POST endpoints are
# CSRF-exempt as any API's are (the same as @csrf_exempt on every view). No sessions, auth, messages.
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",  # nosniff, Referrer-Policy, COOP headers
    "api.middleware.head_response",  # HEAD: the GET's status and headers, no body
    "django.middleware.common.CommonMiddleware",  # Content-Length on every response
    "api.middleware.raw_path",  # route on the raw path: `%2F` stays inside its segment
    "api.middleware.ApiErrors",  # ApiError → JSON; Postgres unreachable → 503
]

# `manage.py check --deploy`, answered: a JSON API serves no HTML to frame (W002) and has no cookie
# sessions for CSRF to protect (W003); TLS, HSTS and the HTTPS redirect belong to the TLS-terminating
# proxy in front (W004, W008), the benchmark speaks plain HTTP on loopback.
SILENCED_SYSTEM_CHECKS = ["security.W002", "security.W003", "security.W004", "security.W008"]

ROOT_URLCONF = "gauntlet.urls"
WSGI_APPLICATION = "gauntlet.wsgi.application"
APPEND_SLASH = False  # `/json/` is an unknown route, not a redirect

USE_I18N = False
USE_TZ = True
TIME_ZONE = "UTC"

MiB = 1024 * 1024
# Checked by the views before Django reads a body (api.http.accepts); these are Django's own
# backstops at the same limits (exactly 1 MiB is accepted).
DATA_UPLOAD_MAX_MEMORY_SIZE = MiB
UPLOAD_MAX_BYTES = 5 * MiB  # multipart bodies (not a Django setting: api.views.upload)


def _database(url: str | None) -> dict:
    """`DATABASES["default"]` from a postgres:// URL (what dj-database-url does, for one scheme)."""
    if not url:
        return {}
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a valid URL: {exc}") from None
    if parts.scheme not in ("postgres", "postgresql"):
        raise ImproperlyConfigured(f"DATABASE_URL must be a postgres:// URL, got {url!r}")
    options = dict(parse_qsl(parts.query))
    return {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")) or None,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(port or ""),
            # Persistent connections: one per gunicorn thread, kept open across requests. Django
            # replaces one that failed (after an error in a request, at that request's end).
            "CONN_MAX_AGE": None,
            # Off: the check runs `SELECT 1` before the first query of every request, a statement
            # outside the contract and a second round trip per request. A connection Postgres closed
            # fails one request (503) and is replaced at its end, as above.
            "CONN_HEALTH_CHECKS": False,
            "OPTIONS": {
                "connect_timeout": 2,
                # psycopg 3 server-side parameter binding, and every statement prepared on its
                # first execution on a connection (Django's default, None, never prepares).
                "server_side_binding": True,
                "prepare_threshold": 0,
                # The session time zone Django wants, set at connect: otherwise Django sends
                # `SET TIME ZONE` on every new connection (the server's is Etc/UTC, not UTC).
                "options": "-c TimeZone=UTC",
                **options,
            },
        }
    }


def _redis_url(url: str | None) -> str | None:
    """`REDIS_URL` checked here (redis-py parses it when the pool opens, in each worker)."""
    if not url:
        return None
    parts = urlsplit(url)
    try:
        parts.port  # noqa: B018 — raises ValueError on a port that is not a number in range
    except ValueError as exc:
        raise ImproperlyConfigured(f"REDIS_URL is not a valid URL: {exc}") from None
    if parts.scheme not in ("redis", "rediss"):
        raise ImproperlyConfigured(f"REDIS_URL must be a redis:// or rediss:// URL, got {url!r}")
    if not parts.hostname:
        raise ImproperlyConfigured(f"REDIS_URL names no host: {url!r}")
    return url


def _workers(value: str) -> int:
    if not value.isascii() or not value.isdigit() or not 1 <= int(value) <= 1024:
        raise ImproperlyConfigured(f"WORKERS must be an integer 1…1024, got {value!r}")
    return int(value)


try:
    DATABASES = _database(os.environ.get("DATABASE_URL"))
    REDIS_URL = _redis_url(os.environ.get("REDIS_URL"))
    WORKERS = _workers(os.environ.get("WORKERS") or "1")
except ImproperlyConfigured as error:
    sys.exit(f"python-django: {error}")

# gunicorn's request threads per worker process (serve.sh reads it from here): 4 per target, shared
# out over the workers and rounded up, so Postgres sees the same connections whatever WORKERS is.
REQUEST_THREADS = -(-4 // WORKERS)
# Redis connections per worker process: one per request thread, and one for the click flusher
# (api.clicks); a command never waits for a free connection.
REDIS_POOL_SIZE = REQUEST_THREADS + 1
REDIS_TIMEOUT_S = 1.0  # per command, per connect and per wait for a pooled connection

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    # Errors (500s) to stderr; Django's per-request warnings for 4xx answers are not logged.
    "loggers": {
        "django": {"handlers": ["stderr"], "level": "ERROR"},
        "gauntlet": {"handlers": ["stderr"], "level": "WARNING"},
    },
}
