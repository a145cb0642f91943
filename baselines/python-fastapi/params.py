"""The contract's value rules for query strings, form fields and path segments.

Pydantic's lax mode coerces far more than the contract allows (`yes`/`on`/`1` for a
bool, ` 12 `, `+12` or `1_000` for an int), and Starlette's multidicts keep only the
last of a repeated key. So every text parameter goes through one of the types below:
each takes the raw text, applies the rule, and hands pydantic a typed value for the
range checks.
"""

import math
import re
from typing import Annotated, Any, Literal

from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, BeforeValidator, Field, ValidationError
from pydantic_core import PydanticCustomError
from starlette.datastructures import ImmutableMultiDict, QueryParams

INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1

_INT = re.compile(r"-?[0-9]+")
_DIGITS = re.compile(r"[0-9]+")
_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


class Repeated(tuple):
    """Every value of a scalar key that was given more than once; always rejected."""


def _fail(kind: str, message: str) -> PydanticCustomError:
    return PydanticCustomError(kind, message)


def _single(value: Any) -> Any:
    if isinstance(value, Repeated):
        raise _fail("repeated", "given more than once; expected a single value")
    return value


def _text(value: Any) -> str:
    value = _single(value)
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
    """A string; lengths in code points. The constraints sit inside the validator so
    that pydantic reports them as string errors."""
    return Annotated[str, Field(min_length=min_length, max_length=max_length, pattern=pattern), BeforeValidator(_text)]


def integer(ge: int = INT32_MIN, le: int = INT32_MAX) -> Any:
    """`^-?[0-9]+$`, within [ge, le] (the int32 range unless the contract declares one)."""
    return Annotated[int, Field(ge=ge, le=le), BeforeValidator(_int)]


def number(ge: float, le: float) -> Any:
    """`^-?[0-9]+(\\.[0-9]+)?$`, finite, within [ge, le]."""
    return Annotated[float, Field(ge=ge, le=le), BeforeValidator(_number)]


def digits(ge: int = 0, le: int = INT32_MAX) -> Any:
    """`^[0-9]+$` within [ge, le] (0…2,147,483,647 unless narrowed), for path integers."""
    return Annotated[int, Field(ge=ge, le=le), BeforeValidator(_digits)]


Digits = digits()
Bool = Annotated[bool, BeforeValidator(_bool)]
Date = Annotated[str, BeforeValidator(_date)]
Uuid = Annotated[str, BeforeValidator(_uuid)]


def one_of(*values: str) -> Any:
    """An enum: exactly one of `values`, case-sensitive."""
    return Annotated[Literal[values], BeforeValidator(_text)]  # type: ignore[valid-type]


def scalar(values: list[Any]) -> Any:
    """The value of a key given once; a `Repeated` (rejected) for one given more often."""
    return values[0] if len(values) == 1 else Repeated(values)


class StrictQueryParams(QueryParams):
    """Query parameters whose scalar lookup sees repeats.

    FastAPI reads a scalar parameter with `.get(name)`, which on a Starlette multidict
    is the last value: `page=1&page=2` would pass as `page=2`. Here `.get` returns a
    `Repeated` instead, which every type above rejects. Lists use `.getlist` and keep
    every occurrence.
    """

    def get(self, key: Any, default: Any = None) -> Any:
        values = self.getlist(key)
        return scalar(values) if values else default


def bind(model: type[BaseModel], data: ImmutableMultiDict, source: str) -> Any:
    """Validate `model` from a multidict (a parsed form) under the same rules as a query string.

    FastAPI's own `Form()` extraction drops empty values (`bio=` becomes missing),
    where the contract says an empty value is a value; so forms are bound here.
    Errors are raised as FastAPI's `RequestValidationError`, located under `source`.
    """
    values: dict[str, Any] = {}
    for name, field in model.model_fields.items():
        given = data.getlist(name)
        if not given:
            continue
        if _is_list(field.annotation):
            values[name] = given
        else:
            values[name] = scalar(given)
    try:
        return model.model_validate(values)
    except ValidationError as error:
        raise RequestValidationError(
            [{**e, "loc": (source, *e["loc"])} for e in error.errors(include_url=False)]
        ) from None


def _is_list(annotation: Any) -> bool:
    return getattr(annotation, "__origin__", None) is list
