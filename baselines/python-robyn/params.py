"""The contract's value rules for query strings, form fields and path segments, and reading them
from Robyn's request.

Robyn hands these over raw: `request.path_params` and `request.query_params` are not
percent-decoded (and `+` is not a space), an urlencoded body is not parsed (`request.form_data`
is filled for multipart only), and its "easy access" typed parameters coerce more than the
contract allows (`yes`/`1`/`on` for a bool, ` 12`, `+12` or `1_000` for an int) and answer a
plain-text 400. So the text is decoded here and validated by pydantic models whose field types
(below) apply the contract's rules to the raw text.
"""

import math
import re
from typing import Annotated, Any, Literal, TypeVar
from urllib.parse import unquote, unquote_plus, unquote_to_bytes

from pydantic import BaseModel, BeforeValidator, Field, ValidationError
from pydantic_core import PydanticCustomError
from robyn import Request

from errors import ApiError, invalid, issues_of

INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1
MiB = 1 << 20

_INT = re.compile(r"-?[0-9]+")
_DIGITS = re.compile(r"[0-9]+")
_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


# --- the value rules, as pydantic types over the raw text ----------------------


class Repeated(tuple):
    """Every value of a scalar key that was given more than once; always rejected."""


def _fail(kind: str, message: str) -> PydanticCustomError:
    return PydanticCustomError(kind, message)


def _text(value: Any) -> str:
    if isinstance(value, Repeated):
        raise _fail("repeated", "given more than once; expected a single value")
    if not isinstance(value, str):
        raise _fail("string_type", "expected a string")
    return value


def _int(value: Any) -> int:
    text = _text(value)
    if not _INT.fullmatch(text):
        raise _fail("int_parsing", "expected an integer")
    return int(text)


def _digits(value: Any) -> int:
    text = _text(value)
    if not _DIGITS.fullmatch(text):
        raise _fail("int_parsing", "expected a non-negative integer (digits only)")
    return int(text)


def _number(value: Any) -> float:
    text = _text(value)
    if not _NUMBER.fullmatch(text) or not math.isfinite(number := float(text)):
        raise _fail("float_parsing", "expected a number")
    return number


def _bool(value: Any) -> bool:
    text = _text(value)
    if text == "true":
        return True
    if text == "false":
        return False
    raise _fail("bool_parsing", "expected true or false")


def _date(value: Any) -> str:
    # Proleptic Gregorian, checked by hand: Python's `date` has no year 0000.
    text = _text(value)
    if _DATE.fullmatch(text):
        year, month, day = int(text[:4]), int(text[5:7]), int(text[8:])
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        if 1 <= month <= 12 and 1 <= day <= _DAYS[month - 1] + (leap and month == 2):
            return text
    raise _fail("date_parsing", "expected a calendar date YYYY-MM-DD")


def _uuid(value: Any) -> str:
    text = _text(value)
    if not _UUID.fullmatch(text):
        raise _fail("uuid_parsing", "expected a UUID (8-4-4-4-12 hex digits)")
    return text.lower()


def text(min_length: int | None = None, max_length: int | None = None, pattern: str | None = None) -> Any:
    """A string; lengths in code points."""
    return Annotated[str, Field(min_length=min_length, max_length=max_length, pattern=pattern), BeforeValidator(_text)]


def integer(ge: int = INT32_MIN, le: int = INT32_MAX) -> Any:
    """`^-?[0-9]+$`, within [ge, le] (the int32 range unless the contract declares one)."""
    return Annotated[int, Field(ge=ge, le=le), BeforeValidator(_int)]


def number(ge: float, le: float) -> Any:
    """`^-?[0-9]+(\\.[0-9]+)?$`, finite, within [ge, le]."""
    return Annotated[float, Field(ge=ge, le=le), BeforeValidator(_number)]


def digits(ge: int = 0, le: int = INT32_MAX) -> Any:
    """`^[0-9]+$` within [ge, le], for path integers."""
    return Annotated[int, Field(ge=ge, le=le), BeforeValidator(_digits)]


Bool = Annotated[bool, BeforeValidator(_bool)]
Date = Annotated[str, BeforeValidator(_date)]
Uuid = Annotated[str, BeforeValidator(_uuid)]


def one_of(*values: str) -> Any:
    """An enum: exactly one of `values`, case-sensitive."""
    return Annotated[Literal[values], BeforeValidator(_text)]  # type: ignore[valid-type]


# --- reading the request -------------------------------------------------------

MultiDict = dict[str, list[str]]


def segments(request: Request) -> dict[str, str]:
    """The path parameters, percent-decoded as UTF-8 (`%2F` stays inside its segment: Robyn
    matches routes on the path as sent)."""
    return {name: unquote(raw) if "%" in raw else raw for name, raw in request.path_params.items()}


def query(request: Request) -> MultiDict:
    """Every query parameter with all its values, in order, percent-decoded (`+` is a space)."""
    values: MultiDict = {}
    for key, value in request.query_params.multi_items():
        values.setdefault(unquote_plus(key), []).append(unquote_plus(value))
    return values


def media_type(request: Request) -> str:
    return (request.headers.get("content-type") or "").split(";", 1)[0].strip().lower()


def body_of(request: Request, expected: str, max_bytes: int = MiB) -> bytes | str:
    """The body, after the contract's first checks: media type (415), then size (413).

    Robyn has read the whole body before the handler runs (it has no request size limit), so the
    size is the declared `Content-Length` or, for a chunked body, the bytes received.
    """
    if media_type(request) != expected:
        raise ApiError(415, f"expected {expected}")
    body = request.body  # `str` when the bytes are valid UTF-8, else `bytes`
    length = request.headers.get("content-length")
    size = int(length) if length and length.isdigit() else len(body.encode() if isinstance(body, str) else body)
    if size > max_bytes:
        raise ApiError(413, f"body over {max_bytes} bytes")
    return body


def form(request: Request) -> MultiDict:
    """An `application/x-www-form-urlencoded` body (≤ 1 MiB) as a multidict, like a query string."""
    body = body_of(request, "application/x-www-form-urlencoded")
    raw = body.encode() if isinstance(body, str) else body
    values: MultiDict = {}
    try:
        for pair in raw.split(b"&"):
            if not pair:
                continue
            key, _, value = pair.partition(b"=")
            values.setdefault(_form_text(key), []).append(_form_text(value))
    except UnicodeDecodeError:
        raise ApiError(400, "malformed urlencoded body: not UTF-8") from None
    return values


def _form_text(raw: bytes) -> str:
    return unquote_to_bytes(raw.replace(b"+", b" ")).decode("utf-8")


M = TypeVar("M", bound=BaseModel)


def bind(model: type[M], data: MultiDict) -> M:
    """`model` from text parameters: a repeated scalar is rejected, a list takes every value."""
    values, issues = collect(model, data)
    if values is None:
        raise invalid(issues)
    return values


def collect(model: type[M], data: MultiDict) -> tuple[M | None, list[dict[str, Any]]]:
    """`model` from text parameters, or its issues (for handlers that report several parts)."""
    values: dict[str, Any] = {}
    for name, field in model.model_fields.items():
        given = data.get(name)
        if not given:
            continue
        if getattr(field.annotation, "__origin__", None) is list:
            values[name] = given
        else:
            values[name] = given[0] if len(given) == 1 else Repeated(given)
    try:
        return model.model_validate(values), []
    except ValidationError as error:
        return None, issues_of(error.errors(include_url=False), text=True)
