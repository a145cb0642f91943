"""The contract's error shape, `{"error": {"code", "message"[, "issues"]}}`, for every failure.

Handlers raise `ApiError`; the app's `@app.exception` handler (app.py) turns it into the JSON
response. Anything else that escapes a handler becomes a 500 `internal_error`.
"""

from typing import Any

import orjson
from robyn import Headers, Response

CODES = {
    400: "invalid_body",
    404: "not_found",
    413: "too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
    503: "unavailable",
}

# Robyn copies the headers of a Response into its own, so one instance serves every response.
JSON_HEADERS = Headers({"Content-Type": "application/json"})

Issue = dict[str, Any]


class ApiError(Exception):
    def __init__(self, status: int, message: str, issues: list[Issue] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.issues = issues

    def response(self) -> Response:
        body: dict[str, Any] = {"code": CODES.get(self.status, "internal_error"), "message": self.message}
        if self.issues is not None:
            body["issues"] = self.issues
        return Response(self.status, JSON_HEADERS, orjson.dumps({"error": body}))


def invalid(issues: list[Issue]) -> ApiError:
    """A 422 carrying every issue found."""
    return ApiError(422, "request failed validation", issues)


def issues_of(errors: list[Any], *, text: bool) -> list[Issue]:
    """Pydantic errors as the contract's issues.

    A text parameter's issue (query, form or path; `text=True`) is at that parameter's name alone,
    so a bad list element is the list parameter's issue. A JSON body's issue keeps its whole path.
    """
    if text:
        return [{"path": list(e["loc"][:1]), "message": e["msg"]} for e in errors]
    return [{"path": list(e["loc"]), "message": e["msg"]} for e in errors]
