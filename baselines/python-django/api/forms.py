"""Query strings and urlencoded forms, validated by Django forms (docs/contract.md, "Value rules").

Django's stock fields are lenient where the contract is strict: IntegerField takes ` 5 `, `5.0` and
`٥`, BooleanField takes `1`, `yes` and `True`, a blank value counts as absent, and a key given twice
silently keeps its last value. So the fields here are Django's, narrowed:

- a widget that tells absent (→ the field's default, or "required") from present, and a scalar
  given more than once (→ 422) from once;
- `empty_values = ()`: an empty value is a value, validated like any other (fine for a string
  without a minimum length, an error for the other types);
- `to_python` with the contract's grammar for int, number, bool and date.
"""

import math
import re
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator

INT32_MAX = 2_147_483_647
INT32_MIN = -2_147_483_648

ABSENT = object()  # the key is not in the query string / form
REPEATED = object()  # a scalar key given more than once
REQUIRED = object()  # no default: absent is an error


class ScalarInput(forms.Widget):
    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        values = data.getlist(name)
        if not values:
            return ABSENT
        return values[0] if len(values) == 1 else REPEATED

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data


class ListInput(ScalarInput):
    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        return data.getlist(name)  # every occurrence, in order; absent → []


class Param:
    """The contract's presence rules, mixed into a Django form field."""

    widget = ScalarInput
    empty_values = ()

    def __init__(self, *args: Any, default: Any = REQUIRED, **kwargs: Any) -> None:
        self.default = default
        super().__init__(*args, required=False, **kwargs)

    def clean(self, value: Any) -> Any:
        if value is ABSENT:
            if self.default is REQUIRED:
                raise ValidationError("this field is required", code="required")
            return self.default
        if value is REPEATED:
            raise ValidationError("given more than once", code="repeated")
        return super().clean(value)


class Text(Param, forms.CharField):
    """A string; lengths in code points. A NUL is a character like any other here."""

    def __init__(self, min_length: int | None = None, max_length: int | None = None, **kwargs: Any) -> None:
        super().__init__(min_length=min_length, max_length=max_length, strip=False, **kwargs)
        self.validators = [v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)]


class Pattern(Param, forms.RegexField):
    """A string matching `regex` (anchored at both ends)."""

    def __init__(self, regex: str, min_length: int | None = None, max_length: int | None = None, **kwargs: Any):
        super().__init__(rf"\A(?:{regex})\Z", min_length=min_length, max_length=max_length, strip=False, **kwargs)
        self.validators = [v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)]


INT = re.compile(r"-?[0-9]+")
DIGITS = re.compile(r"[0-9]+")
NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")


class Integer(Param, forms.IntegerField):
    """`^-?[0-9]+$` (or digits only) within [min_value, max_value] (default: a 32-bit integer)."""

    def __init__(self, min_value: int = INT32_MIN, max_value: int = INT32_MAX, *, digits: bool = False, **kwargs):
        self.grammar = DIGITS if digits else INT
        super().__init__(min_value=min_value, max_value=max_value, **kwargs)

    def to_python(self, value: str) -> int:
        if not self.grammar.fullmatch(value):
            raise ValidationError("expected an integer", code="invalid")
        return int(value)


class Number(Param, forms.FloatField):
    """`^-?[0-9]+(\\.[0-9]+)?$`, finite, within [min_value, max_value]."""

    def to_python(self, value: str) -> float:
        if not NUMBER.fullmatch(value):
            raise ValidationError("expected a number", code="invalid")
        number = float(value)
        if not math.isfinite(number):
            raise ValidationError("the number is out of range", code="invalid")
        return int(number) if number.is_integer() and "." not in value else number


class Boolean(Param, forms.Field):
    """Exactly `true` or `false`."""

    def to_python(self, value: str) -> bool:
        if value == "true":
            return True
        if value == "false":
            return False
        raise ValidationError("expected true or false", code="invalid")


class Choice(Param, forms.ChoiceField):
    """One of `values`, case-sensitive (an empty value is not one of them either)."""

    def __init__(self, *values: str, **kwargs: Any) -> None:
        super().__init__(choices=[(v, v) for v in values], **kwargs)

    def validate(self, value: str) -> None:
        if not self.valid_value(value):
            raise ValidationError(f"expected one of: {', '.join(str(k) for k, _ in self.choices)}", code="invalid")


DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class Date(Param, forms.Field):
    """`YYYY-MM-DD`, a real Gregorian date; echoed as given."""

    def to_python(self, value: str) -> str:
        if DATE.fullmatch(value):
            try:
                date.fromisoformat(value)
                return value
            except ValueError:
                pass
        raise ValidationError("expected a calendar date YYYY-MM-DD", code="invalid")


class Uuid(Param, forms.Field):
    """The 8-4-4-4-12 hex form only (any case), echoed in lower case."""

    UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")

    def to_python(self, value: str) -> str:
        if not self.UUID.fullmatch(value):
            raise ValidationError("expected a UUID 8-4-4-4-12", code="invalid")
        return value.lower()


class ListOf(forms.Field):
    """Every occurrence of a repeatable key, each validated by `item`; at most `max_items`."""

    widget = ListInput
    empty_values = ()

    def __init__(self, item: forms.Field, max_items: int, **kwargs: Any) -> None:
        self.item = item
        super().__init__(required=False, **kwargs)
        self.max_items = max_items

    def to_python(self, values: list[str]) -> list[Any]:
        if len(values) > self.max_items:
            raise ValidationError(f"at most {self.max_items} values", code="max_items")
        cleaned, errors = [], []
        for index, value in enumerate(values):
            try:
                cleaned.append(self.item.clean(value))
            except ValidationError as error:
                errors.extend(f"[{index}]: {message}" for message in error.messages)
        if errors:
            raise ValidationError(errors)
        return cleaned


# --- query ------------------------------------------------------------------

Tag = Text(1, 64)


class FewQuery(forms.Form):
    q = Text(1, 256)
    page = Integer(1, 10_000, default=1)
    limit = Integer(1, 100, default=20)


class MediumQuery(FewQuery):
    sort = Choice("relevance", "price_asc", "price_desc", "newest", "rating", default="relevance")
    min_price = Number(min_value=0, max_value=1_000_000, default=None)
    max_price = Number(min_value=0, max_value=1_000_000, default=None)
    in_stock = Boolean(default=None)
    category = Text(1, 64, default=None)


class ManyQuery(MediumQuery):
    order = Choice("asc", "desc", default="desc")
    brand = ListOf(Tag, 20)
    tag = ListOf(Tag, 20)
    color = ListOf(Choice("red", "green", "blue", "black", "white"), 20)
    rating_min = Integer(1, 5, default=None)
    currency = Choice("USD", "EUR", "GBP", "JPY", default="USD")
    include_variants = Boolean(default=False)
    since = Date(default=None)
    lang = Pattern("[a-z]{2}", default="en")


# --- form -------------------------------------------------------------------

EMAIL = r"[^@\s]+@[^@\s]+\.[^@\s]+"


class SimpleForm(forms.Form):
    username = Pattern("[A-Za-z0-9_]+", 3, 32)
    email = Pattern(EMAIL)
    age = Integer(13, 130)
    newsletter = Boolean(default=False)


class ComplexForm(forms.Form):
    first_name = Text(1, 100)
    last_name = Text(1, 100)
    email = Pattern(EMAIL)
    phone = Pattern(r"\+?[0-9 ()-]{6,20}")
    age = Integer(13, 130)
    country = Pattern("[A-Z]{2}")
    city = Text(1, 100)
    postcode = Text(1, 16)
    company = Text(1, 100, default=None)
    job_title = Text(1, 100, default=None)
    website = Pattern(r"https?://[\s\S]*", 1, 2048, default=None)
    bio = Text(max_length=1000, default=None)
    interests = ListOf(Text(1, 64), 20)
    languages = ListOf(Pattern("[a-z]{2}"), 10)
    newsletter = Boolean(default=False)
    terms = Boolean()
    contact_method = Choice("email", "phone", "post")
    experience_years = Integer(0, 80)


# --- mixed and db -------------------------------------------------------------


class PublishQuery(forms.Form):
    publish = Boolean(default=False)


class ItemsPage(forms.Form):
    limit = Integer(1, 100, default=20)
    offset = Integer(0, 100_000, default=0)


class RecipesPage(forms.Form):
    limit = Integer(1, 50, default=10)
