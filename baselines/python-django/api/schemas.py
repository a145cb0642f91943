"""JSON bodies, validated by a small schema layer (docs/contract.md, "JSON bodies").

Not Django forms: forms bind flat text key/value pairs and coerce them (`"12345"` is a fine
IntegerField value), while a JSON body is a typed tree (nested objects, arrays of objects) in which
the contract forbids coercion: `"12345"` for an integer is 422. Django has no JSON validation of
its own (DRF's serializers would be the usual add-on, a framework of their own, and they coerce
the same way), so these few classes check a parsed body against a declaration mirroring each
fixture, collect every issue with its path, and return the validated value with unknown keys
dropped.
"""

import math
import re
from collections.abc import Callable
from typing import Any

from .http import Issue

INT32_MAX = 2_147_483_647
JSON_INT_MAX = 2**53 - 1  # integers are integral JSON numbers within ±(2⁵³−1)

INVALID = object()  # what a failed check returns (its issue is already recorded)


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


class Schema:
    def check(self, value: Any, path: list, issues: list[Issue]) -> Any:
        raise NotImplementedError

    def validate(self, value: Any, path: list | None = None) -> tuple[Any, list[Issue]]:
        issues: list[Issue] = []
        cleaned = self.check(value, path or [], issues)
        return cleaned, issues

    @staticmethod
    def fail(issues: list[Issue], path: list, message: str) -> Any:
        issues.append({"path": path, "message": message})
        return INVALID


class Str(Schema):
    def __init__(self, min_length: int = 0, max_length: int | None = None, pattern: str | None = None) -> None:
        self.min_length, self.max_length = min_length, max_length
        self.pattern = re.compile(pattern) if pattern is not None else None

    def check(self, value: Any, path: list, issues: list[Issue]) -> Any:
        if not isinstance(value, str):
            return self.fail(issues, path, "expected a string")
        if len(value) < self.min_length:
            return self.fail(issues, path, f"at least {self.min_length} characters")
        if self.max_length is not None and len(value) > self.max_length:
            return self.fail(issues, path, f"at most {self.max_length} characters")
        if self.pattern is not None and not self.pattern.fullmatch(value):
            return self.fail(issues, path, f"does not match {self.pattern.pattern}")
        return value


class Num(Schema):
    def __init__(
        self,
        minimum: float | None = None,
        maximum: float | None = None,
        rule: Callable[[float], str | None] | None = None,
    ) -> None:
        self.minimum, self.maximum, self.rule = minimum, maximum, rule

    def check(self, value: Any, path: list, issues: list[Issue]) -> Any:
        if not is_number(value) or (isinstance(value, float) and not math.isfinite(value)):
            return self.fail(issues, path, "expected a number")
        if self.minimum is not None and value < self.minimum:
            return self.fail(issues, path, f"at least {self.minimum}")
        if self.maximum is not None and value > self.maximum:
            return self.fail(issues, path, f"at most {self.maximum}")
        if self.rule is not None and (problem := self.rule(value)):
            return self.fail(issues, path, problem)
        return value


class Int(Num):
    def __init__(self, minimum: int = -JSON_INT_MAX, maximum: int = JSON_INT_MAX) -> None:
        super().__init__(minimum, maximum)

    def check(self, value: Any, path: list, issues: list[Issue]) -> Any:
        if not is_number(value) or not (isinstance(value, int) or value.is_integer()):
            return self.fail(issues, path, "expected an integer")
        checked = super().check(value, path, issues)
        return checked if checked is INVALID else int(checked)


class Bool(Schema):
    def check(self, value: Any, path: list, issues: list[Issue]) -> Any:
        return value if isinstance(value, bool) else self.fail(issues, path, "expected true or false")


class Arr(Schema):
    def __init__(self, items: Schema, max_items: int | None = None) -> None:
        self.items, self.max_items = items, max_items

    def check(self, value: Any, path: list, issues: list[Issue]) -> Any:
        if not isinstance(value, list):
            return self.fail(issues, path, "expected an array")
        if self.max_items is not None and len(value) > self.max_items:
            return self.fail(issues, path, f"at most {self.max_items} items")
        cleaned = [self.items.check(item, [*path, i], issues) for i, item in enumerate(value)]
        return INVALID if INVALID in cleaned else cleaned


class Obj(Schema):
    """Every key listed is required; unknown keys are dropped."""

    def __init__(self, **fields: Schema) -> None:
        self.fields = fields

    def check(self, value: Any, path: list, issues: list[Issue]) -> Any:
        if not isinstance(value, dict):
            return self.fail(issues, path, "expected an object")
        cleaned, ok = {}, True
        for key, schema in self.fields.items():
            if key not in value:
                self.fail(issues, [*path, key], "required")
                ok = False
                continue
            field = schema.check(value[key], [*path, key], issues)
            ok = ok and field is not INVALID
            cleaned[key] = field
        return cleaned if ok else INVALID


# --- json: the fixtures workloads/json/{small,medium,large}.json, key for key --------

SMALL = Obj(id=Int(), name=Str(), price=Num(), in_stock=Bool(), tags=Arr(Str()))

ADDRESS = Obj(street=Str(), city=Str(), postcode=Str(), country=Str())
LINE_ITEM = Obj(sku=Str(), name=Str(), quantity=Int(), unit_price=Num(), gift=Bool())
MEDIUM = Obj(
    order_id=Str(),
    status=Str(),
    currency=Str(),
    paid=Bool(),
    created_at=Str(),
    customer=Obj(id=Int(), name=Str(), email=Str(), vip=Bool(), address=ADDRESS),
    items=Arr(LINE_ITEM),
    shipping=Obj(method=Str(), cost=Num(), tracking=Str(), eta_days=Int()),
    notes=Str(),
    total=Num(),
)

VARIANT = Obj(sku=Str(), color=Str(), size=Str(), stock=Int())
PRODUCT = Obj(
    id=Int(),
    sku=Str(),
    name=Str(),
    description=Str(),
    price=Num(),
    currency=Str(),
    in_stock=Bool(),
    rating=Num(),
    tags=Arr(Str()),
    dimensions=Obj(width=Num(), height=Num(), depth=Num()),
    variants=Arr(VARIANT),
)
LARGE = Obj(page=Int(), page_size=Int(), total_count=Int(), generated_at=Str(), products=Arr(PRODUCT))

# --- mixed ----------------------------------------------------------------------

NEW_POST = Obj(title=Str(1, 200), body=Str(1, 10_000), tags=Arr(Str(1, 32), max_items=10))

# --- db -------------------------------------------------------------------------


def js_round(value: float) -> float:
    """JavaScript's Math.round: halves up (Python's round() halves to even)."""
    floor = math.floor(value)
    return floor + 1 if value - floor >= 0.5 else floor


def cents(price: float) -> str | None:
    # The contract's test in binary64: 12.5 and 12.34 pass, 12.345 does not.
    return None if js_round(price * 100) / 100 == price else "at most two decimal places"


NEW_ITEM = Obj(
    name=Str(1, 200),
    description=Str(0, 2000),
    price=Num(0, 1_000_000, rule=cents),
    stock=Int(0, INT32_MAX),
)


# --- shortener ------------------------------------------------------------------

# http or https in any case; printable ASCII only (it goes back out in `Location` as is); the
# character after `//` is not `/`, `?` or `#` (there is a host).
URL = r"[hH][tT][tT][pP][sS]?://[\x21\x22\x24-\x2e\x30-\x3e\x40-\x7e][\x21-\x7e]*"
SHORTEN = Obj(url=Str(max_length=2048, pattern=URL))
