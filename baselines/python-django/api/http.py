"""The contract's responses and request plumbing (docs/contract.md, "Errors"): JSON responses,
errors as `{"error": {"code", "message"[, "issues"]}}`, allowed methods, and body intake (media
type 415, then size 413, checked before the body is read)."""

import json
import math
import time
from collections.abc import Callable
from contextlib import suppress
from functools import wraps
from io import BytesIO
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from gunicorn.http.errors import ParseException  # a malformed chunked body, read through wsgi.input

MiB = 1024 * 1024
READ_CHUNK = 64 * 1024
# What is read and dropped of a body refused with 413 (see `drain`).
DRAIN_MAX_BYTES = 16 * MiB
DRAIN_SECONDS = 5.0

# Compact JSON, as every other target writes it (JsonResponse's default puts spaces after , and :).
COMPACT = {"separators": (",", ":")}

Issue = dict[str, Any]  # {"path": [...], "message": "..."}


def json_response(data: Any, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, safe=False, json_dumps_params=COMPACT)


def error_response(status: int, code: str, message: str, issues: list[Issue] | None = None) -> JsonResponse:
    error: dict[str, Any] = {"code": code, "message": message}
    if issues is not None:
        error["issues"] = issues
    return json_response({"error": error}, status)


class ApiError(Exception):
    """Raised anywhere in a view; api.middleware.ApiErrors answers it with the contract's JSON."""

    def __init__(self, status: int, code: str, message: str, issues: list[Issue] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.issues = status, code, message, issues

    def response(self) -> JsonResponse:
        return error_response(self.status, self.code, self.message, self.issues)


def not_found(message: str = "no such route") -> ApiError:
    return ApiError(404, "not_found", message)


def invalid_body(message: str) -> ApiError:
    return ApiError(400, "invalid_body", message)


def validation_failed(issues: list[Issue]) -> ApiError:
    return ApiError(422, "validation_failed", "the request failed validation", issues)


def unavailable(message: str = "the database is unavailable") -> ApiError:
    return ApiError(503, "unavailable", message)


def form_issues(errors: Any) -> list[Issue]:
    """A Django form's (or field's) errors as issues, each at the parameter's name."""
    return [{"path": [name], "message": str(message)} for name, messages in errors.items() for message in messages]


# --- methods ------------------------------------------------------------------


def methods(*allowed: str) -> Callable:
    """Like Django's require_http_methods, but another method is the contract's 404 (an unknown
    route, any method), not a 405. GET implies HEAD (RFC 9110 §9.1)."""
    accepted = frozenset(allowed) | ({"HEAD"} if "GET" in allowed else set())

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def inner(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method not in accepted:
                raise not_found(f"no route for {request.method} {request.path}")
            return view(request, *args, **kwargs)

        return inner

    return decorator


# --- bodies -------------------------------------------------------------------


def accepts(media_type: str, limit: int) -> Callable:
    """A POST view taking one media type, its body at most `limit` bytes: 415 for another media
    type, then 413 from Content-Length before anything is read.

    A chunked body (no Content-Length) is read here, at most `limit` + 1 bytes of it: Django under
    WSGI only reads Content-Length bytes, so it would see an empty body. The view then reads it as
    usual (request.body, request.POST, request.FILES)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @methods("POST")
        def inner(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.content_type.lower() != media_type:
                raise ApiError(415, "unsupported_media_type", f"expected Content-Type {media_type}")
            length = request.META.get("CONTENT_LENGTH")
            if length:
                if not length.isdigit():
                    raise invalid_body("Content-Length is not a number")
                if int(length) > limit:
                    raise too_large(request, limit)
            elif "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower():
                body = read_chunked(request, limit)
                request.META["CONTENT_LENGTH"] = str(len(body))
                request._stream = BytesIO(body)  # what WSGIRequest reads request.body, POST, FILES from
            return view(request, *args, **kwargs)

        return inner

    return decorator


def too_large(request: HttpRequest, limit: int) -> ApiError:
    drain(request)
    return ApiError(413, "too_large", f"the body is over its limit of {limit} bytes")


def drain(request: HttpRequest) -> None:
    """Reads and drops the rest of a body refused with 413, at most DRAIN_MAX_BYTES within
    DRAIN_SECONDS; nothing of it is kept.

    The client is usually still sending it. A socket closed with unread bytes in its receive buffer
    makes the kernel send RST, and an RST can destroy the 413 before the client has read it;
    gunicorn's own drain and lingering close stop at 64 KiB. Drained to its end, the body leaves the
    connection reusable (keep-alive); past either bound, gunicorn closes it."""
    stream, sock = request.environ["wsgi.input"], request.environ.get("gunicorn.socket")
    prior = sock.gettimeout() if sock is not None else None
    deadline, drained = time.monotonic() + DRAIN_SECONDS, 0
    try:
        while drained < DRAIN_MAX_BYTES and (remaining := deadline - time.monotonic()) > 0:
            if sock is not None:
                sock.settimeout(remaining)  # a stalled client cannot hold this thread past the deadline
            chunk = stream.read(READ_CHUNK)
            if not chunk:
                return
            drained += len(chunk)
    except (OSError, ParseException):  # timed out, reset, a malformed chunk: the 413 stands, gunicorn closes
        return
    finally:
        if sock is not None:
            with suppress(OSError):
                sock.settimeout(prior)


def read_chunked(request: HttpRequest, limit: int) -> bytes:
    """The whole body of a chunked request, read while it streams in; 413 past `limit`."""
    stream, body = request.environ["wsgi.input"], bytearray()
    try:
        while chunk := stream.read(min(READ_CHUNK, limit + 1 - len(body))):
            body += chunk
            if len(body) > limit:
                raise too_large(request, limit)
    except ParseException as exc:
        raise invalid_body(f"malformed chunked body: {exc}") from None
    return bytes(body)


# --- JSON ---------------------------------------------------------------------


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"the number {text[:40]} is out of range")
    return value


def json_body(request: HttpRequest) -> Any:
    """The request's body as JSON (strict: UTF-8, no NaN/Infinity), or 400 invalid_body."""
    try:
        return json.loads(request.body.decode("utf-8"), parse_constant=_no_constant, parse_float=_finite)
    except (UnicodeDecodeError, ValueError) as exc:
        raise invalid_body(f"malformed JSON: {exc}") from None
