"""JSON responses (msgspec) and the contract's error shape, `{"error": {"code", "message"[, "issues"]}}`."""

from typing import Any

import msgspec
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from gauntlet_data.data import DataUnavailable

CODES = {
    400: "invalid_body",
    404: "not_found",
    413: "too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
    503: "unavailable",
}

_encode = msgspec.json.Encoder().encode


class JSONResponse(Response):
    """Starlette's `JSONResponse`, rendered by msgspec (dicts, lists and `msgspec.Struct`s alike)."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return _encode(content)


Issue = dict[str, Any]  # {"path": [...], "message": str}


class ApiError(Exception):
    """Raised anywhere in a request; the app's exception handler answers it in the contract's shape."""

    def __init__(self, status: int, message: str, issues: list[Issue] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.issues = issues


def invalid(issues: list[Issue]) -> ApiError:
    return ApiError(422, "request failed validation", issues)


def error(status: int, message: str, issues: list[Issue] | None = None) -> JSONResponse:
    body: dict[str, Any] = {"code": CODES.get(status, "internal_error"), "message": message}
    if issues is not None:
        body["issues"] = issues
    return JSONResponse({"error": body}, status_code=status)


async def on_api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return error(exc.status, exc.message, exc.issues)


async def on_http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    # A known path with the wrong method is, to a client of the catalogue, an unknown route.
    if exc.status_code in (404, 405):
        return error(404, f"no route for {request.method} {request.url.path}")
    # Starlette's own 400s (a malformed multipart or urlencoded body) and the like.
    return error(exc.status_code, str(exc.detail))


async def on_unavailable(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DataUnavailable)
    return error(503, exc.message)


async def on_server_error(request: Request, exc: Exception) -> Response:
    return error(500, "internal error")


exception_handlers = {
    ApiError: on_api_error,
    HTTPException: on_http_error,
    DataUnavailable: on_unavailable,
    Exception: on_server_error,
}
