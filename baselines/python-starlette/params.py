"""Binding requests to the models of models.py: text parameters and JSON bodies.

Text (query strings, form fields, path segments). `msgspec.convert(..., strict=False)` would
coerce far more than the contract allows (`1`/`0` for a bool, `1e3` for an int), and Starlette's
multidicts keep only the last of a repeated key on `.get`. So each field's text goes through the
contract's rule for the field's type (taken once per model from `msgspec.inspect`): `^-?[0-9]+$`
for an int, `true`/`false` for a bool, a calendar date for a date, given once for a scalar, every
occurrence for a list; then `msgspec.convert` (strict) checks ranges, lengths, patterns and enums
and fills the defaults.

JSON bodies are decoded by msgspec straight into the model. The contract puts syntax (400) before
schema (422), and an integral number (`5.0`) is an integer; msgspec stops at the first type error,
possibly before a syntax error further on, and takes `5.0` for a float. So a body that fails
validation is decoded again as plain JSON (a 400 if malformed), integral floats become ints, and
the model is converted from that: a slower path taken only by bodies that fail the fast one.
"""

import math
import re
from collections.abc import Callable
from typing import Any, Generic, TypeVar

import msgspec
from msgspec import inspect as mi

from errors import ApiError, Issue, invalid

T = TypeVar("T", bound=msgspec.Struct)

_INT = re.compile(r"-?[0-9]+")
_DIGITS = re.compile(r"[0-9]+")
_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_PATH = re.compile(r"\.([^.\[]+)|\[(\d+)\]")
_AT = " - at `$"
_MISSING = re.compile(r"Object missing required field `([^`]+)`")


class Invalid(ValueError):
    pass


def _text(value: str) -> str:
    return value


def _int(value: str) -> int:
    if not _INT.fullmatch(value):
        raise Invalid("expected an integer")
    if len(value) > 20:  # beyond any declared range (and Python's int() digit limit)
        raise Invalid("out of range")
    return int(value)


def _digits(value: str) -> int:
    if not _DIGITS.fullmatch(value):
        raise Invalid("expected a non-negative integer (digits only)")
    return _int(value)


def _number(value: str) -> float:
    if not _NUMBER.fullmatch(value) or not math.isfinite(number := float(value)):
        raise Invalid("expected a number")
    return number


def _bool(value: str) -> bool:
    if value == "true":
        return True
    if value == "false":
        return False
    raise Invalid("expected true or false")


def _date(value: str) -> str:
    # Proleptic Gregorian, checked by hand: Python's `date` has no year 0000.
    if _DATE.fullmatch(value):
        year, month, day = int(value[:4]), int(value[5:7]), int(value[8:])
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        if 1 <= month <= 12 and 1 <= day <= _DAYS[month - 1] + (leap and month == 2):
            return value
    raise Invalid("expected a calendar date YYYY-MM-DD")


_RULES: dict[type, Callable[[str], Any]] = {
    mi.IntType: _int,
    mi.FloatType: _number,
    mi.BoolType: _bool,
    mi.StrType: _text,
    mi.LiteralType: _text,
}
_MARKED = {"digits": _digits, "date": _date}


def _rule(t: mi.Type) -> tuple[bool, Callable[[str], Any]]:
    """(is a list, the text rule of one value) for a field's type."""
    if isinstance(t, mi.UnionType):  # `X | None`: None is the default, never written
        (t,) = [member for member in t.types if not isinstance(member, mi.NoneType)]
    if isinstance(t, mi.ListType):
        return True, _rule(t.item_type)[1]
    if isinstance(t, mi.Metadata):
        marked = _MARKED.get((t.extra or {}).get("text", ""))
        return False, marked or _rule(t.type)[1]
    return False, _RULES[type(t)]


GetList = Callable[[str], list[Any]]


class Binder(Generic[T]):
    """A model bound from text values: `Binder(FewQuery)(request.query_params.getlist)`."""

    def __init__(self, model: type[T]) -> None:
        self.model = model
        self.fields = [(f.name, *_rule(f.type)) for f in mi.type_info(model).fields]  # type: ignore[attr-defined]

    def __call__(self, getlist: GetList) -> T:
        values: dict[str, Any] = {}
        issues: list[Issue] = []
        for name, is_list, rule in self.fields:
            given = getlist(name)
            if not given:
                continue  # the default, or "missing" from msgspec
            try:
                if is_list:
                    values[name] = [rule(_as_text(v)) for v in given]
                elif len(given) > 1:
                    raise Invalid("given more than once; expected a single value")
                else:
                    values[name] = rule(_as_text(given[0]))
            except Invalid as exc:
                issues.append({"path": [name], "message": str(exc)})
        if issues:
            raise invalid(issues)
        try:
            return msgspec.convert(values, self.model)
        except msgspec.ValidationError as exc:
            # A parameter's issue names the parameter alone (a bad list element is the list's).
            raise invalid([issue_of(exc, depth=1)]) from None

    def path(self, params: dict[str, Any]) -> T:
        """From Starlette's `request.path_params`."""
        return self(lambda name: [params[name]] if name in params else [])


def _as_text(value: Any) -> str:
    if not isinstance(value, str):  # an uploaded file where a form field belongs
        raise Invalid("expected a text value")
    return value


def issue_of(exc: msgspec.ValidationError, depth: int | None = None) -> Issue:
    """msgspec's one error (`Expected … - at `$.items[0].sku``) as an issue with a path."""
    message = str(exc)
    path: list[str | int] = []
    message, at, where = message.partition(_AT)
    if at:
        path = [name if name else int(index) for name, index in _PATH.findall(where.rstrip("`"))]
    if missing := _MISSING.match(message):
        path.append(missing.group(1))
    return {"path": path[:depth], "message": message}


def _integral(value: Any) -> Any:
    """Integral floats (`5.0`) as ints, throughout a decoded JSON value."""
    if type(value) is float:
        return int(value) if value.is_integer() and abs(value) < 2**53 else value
    if type(value) is dict:
        return {k: _integral(v) for k, v in value.items()}
    if type(value) is list:
        return [_integral(v) for v in value]
    return value


def decode_json(body: bytes, model: type[T]) -> T:
    """The body as `model`: 400 when it is not JSON, 422 when it does not fit."""
    try:
        return msgspec.json.decode(body, type=model)
    except msgspec.ValidationError as exc:  # a subclass of DecodeError: caught first
        first = exc
    except msgspec.DecodeError as exc:
        raise ApiError(400, f"malformed JSON: {exc}") from None
    try:
        value = msgspec.json.decode(body)
    except msgspec.ValidationError:  # well-formed, but a number out of binary64's range
        raise invalid([issue_of(first)]) from None
    except msgspec.DecodeError as exc:
        raise ApiError(400, f"malformed JSON: {exc}") from None
    try:
        return msgspec.convert(_integral(value), model)
    except msgspec.ValidationError as exc:
        raise invalid([issue_of(exc)]) from None


def decode_any(body: bytes) -> Any:
    """Any JSON value: 400 when the body is not JSON."""
    try:
        return msgspec.json.decode(body)
    except msgspec.ValidationError as exc:  # well-formed, but a number out of binary64's range
        raise invalid([{"path": [], "message": str(exc).partition(_AT)[0]}]) from None
    except msgspec.DecodeError as exc:
        raise ApiError(400, f"malformed JSON: {exc}") from None
