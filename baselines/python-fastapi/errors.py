"""The contract's error shape, `{"error": {"code", "message"[, "issues"]}}`, for every failure."""

from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from gauntlet_data.data import DataUnavailable

CODES = {
    400: "invalid_body",
    404: "not_found",
    413: "too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
    503: "unavailable",
}


class OrjsonResponse(JSONResponse):
    """JSON rendered by orjson (FastAPI's ORJSONResponse is deprecated in favour of
    response models, which the typed routes use; this serves the untyped ones)."""

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


def error(status: int, message: str, issues: list[dict[str, Any]] | None = None) -> OrjsonResponse:
    body: dict[str, Any] = {"code": CODES.get(status, "internal_error"), "message": message}
    if issues is not None:
        body["issues"] = issues
    return OrjsonResponse({"error": body}, status_code=status)


async def on_validation_error(request: Request, exc: RequestValidationError) -> OrjsonResponse:
    errors = exc.errors()
    # FastAPI reports malformed JSON as a validation error; the contract makes it a 400.
    if any(e["type"] == "json_invalid" for e in errors):
        return error(400, "malformed JSON: " + str(errors[0].get("ctx", {}).get("error", "")))
    issues = [{"path": issue_path(e["loc"]), "message": e["msg"]} for e in errors]
    return error(422, "request failed validation", issues)


def issue_path(loc: tuple[Any, ...]) -> list[Any]:
    # loc[0] is where the input was found: "body" (JSON), or "query", "path", "form".
    # The contract's path is the JSON path, or the parameter's name alone (a bad list
    # element is the list parameter's issue).
    return list(loc[1:]) if loc[0] == "body" else list(loc[1:2])


async def on_http_error(request: Request, exc: HTTPException) -> OrjsonResponse:
    # A known path with the wrong method is, to a client of the catalogue, an unknown route.
    if exc.status_code in (404, 405):
        return error(404, f"no route for {request.method} {request.url.path}")
    return error(exc.status_code, str(exc.detail))


async def on_unavailable(request: Request, exc: DataUnavailable) -> OrjsonResponse:
    return error(503, exc.message)


async def on_unexpected_error(request: Request, exc: Exception) -> OrjsonResponse:
    return error(500, "internal error")


def install(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(HTTPException, on_http_error)
    app.add_exception_handler(DataUnavailable, on_unavailable)
    app.add_exception_handler(Exception, on_unexpected_error)
