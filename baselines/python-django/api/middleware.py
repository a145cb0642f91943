"""The project's three small middlewares (settings.MIDDLEWARE says where each one sits)."""

from collections.abc import Callable
from urllib.parse import unquote_to_bytes, urlsplit

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse

from .http import ApiError, unavailable

# SQLSTATE classes that mean "Postgres is not there" (connection exception, insufficient
# resources, operator intervention, system error): 503, not a bug.
UNAVAILABLE_CLASSES = ("08", "53", "57", "58")


def head_response(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    """HEAD gets the GET's status and headers (Content-Length included) without the body.

    Sits above CommonMiddleware, which sets Content-Length from the body first. gunicorn would
    drop the body anyway, but it logs a warning for every HEAD response that carries one."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        if request.method == "HEAD" and not response.streaming:
            response.content = b""
        return response

    return middleware


def _segment(raw: str) -> str:
    """A raw path segment percent-decoded as UTF-8, with `%` and `/` re-escaped (%25, %2F)."""
    text = unquote_to_bytes(raw.encode("latin-1", "replace")).decode("utf-8", "replace")
    return text.replace("%", "%25").replace("/", "%2F")


def raw_path(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    """Routes on the raw request path, so that `%2F` stays inside its segment.

    gunicorn's PATH_INFO is already percent-decoded (`/path/simple/a%2Fb` arrives as
    `/path/simple/a/b`, a different route). From gunicorn's RAW_URI each segment is decoded here
    except for `%2F` and `%25`, which only the `segment` path converter (api.converters) decodes."""

    def middleware(request: HttpRequest) -> HttpResponse:
        raw = request.environ.get("RAW_URI")
        if raw:
            path = raw.split("?", 1)[0] if raw.startswith("/") else urlsplit(raw).path
            if "%" in path:
                request.path_info = "/".join(_segment(s) if "%" in s else s for s in path.split("/"))
        return get_response(request)

    return middleware


def is_unavailable(exc: BaseException) -> bool:
    """Connection-level failures: refused, closed, timed out, or SQLSTATE 08/53/57/58."""
    import psycopg  # loaded already: only Django's postgresql backend raises a DatabaseError here

    cause = exc.__cause__ if isinstance(exc, DatabaseError) else exc
    if not isinstance(cause, psycopg.Error):
        return False
    if cause.sqlstate:
        return cause.sqlstate[:2] in UNAVAILABLE_CLASSES
    # No SQLSTATE: the client library's own failure (connect refused or timed out, connection lost).
    return isinstance(cause, (psycopg.OperationalError, psycopg.InterfaceError))


class ApiErrors:
    """A view's ApiError becomes its JSON answer; a database that cannot be reached is 503.

    Any other exception is left to Django (handler500: a JSON 500, logged)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if isinstance(exc, ApiError):
            return exc.response()
        if isinstance(exc, DatabaseError) and is_unavailable(exc):
            return unavailable().response()  # django.request logs it ("Service Unavailable: <path>")
        return None
