"""The contract's error shape, value rules and body handling, on top of what Spikard hands a handler.

Spikard 0.13.0 answers its own validation failures (typed params, typed bodies, malformed JSON,
wrong media type) with RFC 9457 problem+json (`{"type","title","status","detail","errors"}`) from
the Rust core, and no hook sees those responses (on_response/on_error only run around handlers).
Its query-string and urlencoded parsers also coerce text (`True` and `1` become booleans, `007`
becomes 7), and its multipart parser decodes file bytes as lossy UTF-8. So handlers take the raw
inputs Spikard extracts (percent-decoded path segments, every query value as a string, the raw
body) and validate them here with msgspec, answering `{"error": {"code", "message"[, "issues"]}}`.
"""

import math
import re
import urllib.parse
from typing import Any

import msgspec
from msgspec import inspect as mi
from spikard import Response

CODES = {
    400: "invalid_body",
    404: "not_found",
    413: "too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
    503: "unavailable",
}

SERVER = "spikard"
MiB = 1024 * 1024
JSON_LIMIT = MiB
UPLOAD_LIMIT = 5 * MiB


def error(status: int, message: str, issues: list[dict[str, Any]] | None = None) -> Response:
    body: dict[str, Any] = {"code": CODES.get(status, "internal_error"), "message": message}
    if issues is not None:
        body["issues"] = issues
    return Response(content={"error": body}, status_code=status)


def invalid(issues: list[dict[str, Any]]) -> Response:
    return error(422, "request failed validation", issues)


def issue(name: str | int, message: str) -> dict[str, Any]:
    return {"path": [name], "message": message}


# --- msgspec errors -> issues ------------------------------------------------

_AT = re.compile(r" - at `\$(.*)`$")
_MISSING = re.compile(r"missing required field `([^`]*)`")
_STEP = re.compile(r"\.([^.\[]+)|\[(\d+)\]")


def issue_of(exc: msgspec.ValidationError) -> dict[str, Any]:
    """msgspec's message (`Expected `int`, got `str` - at `$.items[0].sku``) as a contract issue."""
    message = str(exc)
    path: list[str | int] = []
    at = _AT.search(message)
    if at:
        path = [int(index) if index else name for name, index in _STEP.findall(at.group(1))]
        message = message[: at.start()]
    missing = _MISSING.search(message)
    if missing:
        path.append(missing.group(1))
    return {"path": path, "message": message}


# --- bodies ------------------------------------------------------------------


def media_type(request: Any) -> str:
    return request.headers.get("content-type", "").split(";", 1)[0].strip().lower()


def read_body(request: Any, media: str, limit: int) -> bytes | Response:
    """The raw body, after the contract's checks in order: media type (415), then size (413).

    Spikard 0.13.0 has already read the whole body (its max_body_size is not applied to handler
    bodies), so the size is decided here, from the bytes received.
    """
    if media_type(request) != media:
        return error(415, f"expected {media}")
    raw = request.raw_body or b""
    if len(raw) > limit:
        return error(413, f"body over {limit} bytes")
    return raw


def _integral(value: Any) -> Any:
    # JSON does not tell 5 from 5.0: an integral number is an integer.
    if type(value) is float and value.is_integer():
        return int(value)
    if type(value) is list:
        return [_integral(v) for v in value]
    if type(value) is dict:
        return {k: _integral(v) for k, v in value.items()}
    return value


def decode_json(raw: bytes, model: Any) -> Any:
    """`(value, None)` or `(None, error response)`: malformed → 400, schema failure → 422."""
    try:
        return msgspec.json.decode(raw, type=model), None
    except msgspec.ValidationError as exc:
        if "Expected `int`, got `float`" not in str(exc):
            return None, invalid([issue_of(exc)])
    except msgspec.DecodeError as exc:
        return None, error(400, f"malformed JSON: {exc}")
    # Rare path: an integral float (12345.0) where an integer belongs is that integer.
    try:
        return msgspec.convert(_integral(msgspec.json.decode(raw)), model, strict=True), None
    except msgspec.ValidationError as exc:
        return None, invalid([issue_of(exc)])


def convert_json(value: Any, model: Any) -> tuple[Any, list[dict[str, Any]]]:
    """An already decoded JSON value validated as `model`: `(value, [])` or `(None, issues)`."""
    try:
        return msgspec.convert(_integral(value), model, strict=True), []
    except msgspec.ValidationError as exc:
        return None, [issue_of(exc)]


# --- text values (query strings, form fields, path segments) ------------------

_INT = re.compile(r"-?[0-9]+")
_DIGITS = re.compile(r"[0-9]+")
_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def to_int(text: str) -> int:
    if not _INT.fullmatch(text):
        raise ValueError("expected an integer")
    return int(text)


def to_number(text: str) -> float:
    if not _NUMBER.fullmatch(text) or not math.isfinite(value := float(text)):
        raise ValueError("expected a number")
    return value


def to_bool(text: str) -> bool:
    if text == "true":
        return True
    if text == "false":
        return False
    raise ValueError("expected true or false")


def to_date(text: str) -> str:
    if _DATE.fullmatch(text):
        year, month, day = int(text[:4]), int(text[5:7]), int(text[8:])
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        if 1 <= month <= 12 and 1 <= day <= _DAYS[month - 1] + (leap and month == 2):
            return text
    raise ValueError("expected a calendar date YYYY-MM-DD")


def to_text(text: str) -> str:
    return text


def segment(value: str, name: str, issues: list[dict[str, Any]]) -> str:
    """A string path segment, 1…256 code points."""
    if not 1 <= len(value) <= 256:
        issues.append(issue(name, "expected 1 to 256 characters"))
    return value


def digits(value: str, name: str, issues: list[dict[str, Any]], low: int = 0) -> int:
    """`^[0-9]+$` within low…2,147,483,647."""
    if _DIGITS.fullmatch(value) and low <= (n := int(value)) <= 2**31 - 1:
        return n
    issues.append(issue(name, f"expected an integer {low}..2147483647 (digits only)"))
    return 0


def uuid(value: str, name: str, issues: list[dict[str, Any]]) -> str:
    if _UUID.fullmatch(value):
        return value.lower()
    issues.append(issue(name, "expected a UUID (8-4-4-4-12 hex digits)"))
    return value


def date(value: str, name: str, issues: list[dict[str, Any]]) -> str:
    try:
        return to_date(value)
    except ValueError as exc:
        issues.append(issue(name, str(exc)))
        return value


def _converter(t: Any) -> Any:
    if isinstance(t, mi.IntType):
        return to_int
    if isinstance(t, mi.FloatType):
        return to_number
    if isinstance(t, mi.BoolType):
        return to_bool
    if isinstance(t, mi.DateType):
        return to_date
    return to_text


def plan(model: type) -> list[tuple[str, Any, bool]]:
    """Per field of a query/form Struct: its name, its text converter, and whether it is a list."""
    fields = []
    for field in mi.type_info(model).fields:
        t = field.type
        if isinstance(t, mi.UnionType):
            t = next(u for u in t.types if not isinstance(u, mi.NoneType))
        if isinstance(t, mi.Metadata):
            t = t.type
        many = isinstance(t, mi.ListType)
        item = t.item_type if many else t
        if isinstance(item, mi.Metadata):
            item = item.type
        fields.append((field.encode_name, _converter(item), many))
    return fields


def bind(model: type, fields: list[tuple[str, Any, bool]], given: dict[str, list[str]]) -> Any:
    """`(Struct, [])` or `(None, issues)`: the text rules per value, then msgspec's constraints."""
    values: dict[str, Any] = {}
    issues: list[dict[str, Any]] = []
    for name, convert, many in fields:
        texts = given.get(name)
        if not texts:
            continue
        try:
            if many:
                values[name] = [convert(t) for t in texts]
            elif len(texts) > 1:
                issues.append(issue(name, "given more than once; expected a single value"))
            else:
                values[name] = convert(texts[0])
        except ValueError as exc:
            issues.append(issue(name, str(exc)))
    if issues:
        return None, issues
    try:
        return msgspec.convert(values, model, strict=False), []
    except msgspec.ValidationError as exc:
        found = issue_of(exc)
        # A parameter's issue is at the parameter's name (a bad list element too).
        return None, [{"path": found["path"][:1], "message": found["message"]}]


def parse_form(raw: bytes) -> dict[str, list[str]]:
    """An urlencoded body as every value of every key, in order; ValueError when malformed."""
    out: dict[str, list[str]] = {}
    for key, value in urllib.parse.parse_qsl(raw.decode("utf-8"), keep_blank_values=True, errors="strict"):
        out.setdefault(key, []).append(value)
    return out


# --- multipart -----------------------------------------------------------------

_PARAM = re.compile(r';\s*([A-Za-z0-9_*-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]*))')


def _params(value: str) -> dict[str, str]:
    return {m[1].lower(): m[2] if m[3] is None else m[3] for m in _PARAM.finditer(value)}


def parse_multipart(raw: bytes, content_type: str) -> list[tuple[str, str | None, bytes]]:
    """`[(name, filename or None, bytes)]` of a multipart/form-data body; ValueError when malformed."""
    boundary = _params(content_type).get("boundary")
    if not boundary:
        raise ValueError("no boundary")
    delimiter = b"--" + boundary.encode("latin-1")
    separator = b"\r\n" + delimiter
    if raw.startswith(delimiter):
        pos = len(delimiter)
    else:
        start = raw.find(separator)
        if start < 0:
            raise ValueError("no opening boundary")
        pos = start + len(separator)
    parts: list[tuple[str, str | None, bytes]] = []
    while True:
        if raw.startswith(b"--", pos):
            return parts
        if not raw.startswith(b"\r\n", pos):
            raise ValueError("bad boundary line")
        pos += 2
        end = raw.find(separator, pos)
        if end < 0:
            raise ValueError("unterminated part")
        split = raw.find(b"\r\n\r\n", pos, end)
        if split < 0:
            raise ValueError("part without headers")
        disposition = None
        for line in raw[pos:split].decode("utf-8").split("\r\n"):
            key, sep, value = line.partition(":")
            if not sep:
                raise ValueError("bad part header")
            if key.strip().lower() == "content-disposition":
                disposition = value.strip()
        if disposition is None or not disposition.lower().startswith("form-data"):
            raise ValueError("part without Content-Disposition: form-data")
        params = _params(disposition)
        if "name" not in params:
            raise ValueError("part without a name")
        parts.append((params["name"], params.get("filename"), raw[split + 4 : end]))
        pos = end + len(separator)
