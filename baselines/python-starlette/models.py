"""The catalogue's inputs as msgspec Structs: JSON bodies, query strings, forms and path parameters.

JSON bodies are decoded straight into these (strict: `"12345"` is not an int, `null` is not an
object) and mirror the fixtures in workloads/json/ field for field; unknown keys are dropped.
Query, form and path models declare the same constraints (ranges, lengths, patterns, enums,
list sizes, defaults); params.py turns their text into typed values first, by the contract's
value rules, and msgspec checks the rest. Patterns end in `\\Z`: msgspec uses Python's `re`,
whose `$` also matches before a final newline.
"""

from typing import Annotated, Literal

from msgspec import Meta, Struct

INT32_MAX = 2**31 - 1
JSON_SAFE = 2**53 - 1  # an integral JSON number is an integer within ±(2⁵³−1)


def text(min_length: int | None = None, max_length: int | None = None, pattern: str | None = None) -> type[str]:
    """A string; lengths in code points."""
    return Annotated[str, Meta(min_length=min_length, max_length=max_length, pattern=pattern)]  # type: ignore[return-value]


def integer(ge: int, le: int) -> type[int]:
    """A query/form/path integer, `^-?[0-9]+$` (params.py), within [ge, le]."""
    return Annotated[int, Meta(ge=ge, le=le)]  # type: ignore[return-value]


def digits(ge: int = 0, le: int = INT32_MAX) -> type[int]:
    """A path integer written in digits only, `^[0-9]+$` (no sign), within [ge, le]."""
    return Annotated[int, Meta(ge=ge, le=le, extra={"text": "digits"})]  # type: ignore[return-value]


def number(ge: float, le: float) -> type[float]:
    """`^-?[0-9]+(\\.[0-9]+)?$`, finite, within [ge, le]."""
    return Annotated[float, Meta(ge=ge, le=le)]  # type: ignore[return-value]


# `YYYY-MM-DD` and a real (proleptic Gregorian) date, checked by params.py.
Date = Annotated[str, Meta(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}\Z", extra={"text": "date"})]
JsonInt = Annotated[int, Meta(ge=-JSON_SAFE, le=JSON_SAFE)]


# --- json/small -------------------------------------------------------------


class Small(Struct):
    id: JsonInt
    name: str
    price: float
    in_stock: bool
    tags: list[str]


# --- json/medium ------------------------------------------------------------


class Address(Struct):
    street: str
    city: str
    postcode: str
    country: str


class Customer(Struct):
    id: JsonInt
    name: str
    email: str
    vip: bool
    address: Address


class OrderItem(Struct):
    sku: str
    name: str
    quantity: JsonInt
    unit_price: float
    gift: bool


class Shipping(Struct):
    method: str
    cost: float
    tracking: str
    eta_days: JsonInt


class Medium(Struct):
    order_id: str
    status: str
    currency: str
    paid: bool
    created_at: str
    customer: Customer
    items: list[OrderItem]
    shipping: Shipping
    notes: str
    total: float


# --- json/large -------------------------------------------------------------


class Dimensions(Struct):
    width: float
    height: float
    depth: float


class Variant(Struct):
    sku: str
    color: str
    size: str
    stock: JsonInt


class Product(Struct):
    id: JsonInt
    sku: str
    name: str
    description: str
    price: float
    currency: str
    in_stock: bool
    rating: float
    tags: list[str]
    dimensions: Dimensions
    variants: list[Variant]


class Large(Struct):
    page: JsonInt
    page_size: JsonInt
    total_count: JsonInt
    generated_at: str
    products: list[Product]


# --- path -------------------------------------------------------------------

Segment = text(1, 256)


class SimplePath(Struct):
    id: Segment


class MultiplePath(Struct):
    user_id: Segment
    post_id: Segment


class DeepPath(Struct):
    org: Segment
    team: Segment
    project: Segment
    resource: Segment
    id: Segment


class IntPath(Struct):
    n: digits()


class UuidPath(Struct):
    uuid: text(pattern=r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\Z")


class DatePath(Struct):
    date: Date


# --- query ------------------------------------------------------------------

Price = number(0, 1_000_000)
Tag = text(1, 64)


class FewQuery(Struct):
    q: text(1, 256)
    page: integer(1, 10_000) = 1
    limit: integer(1, 100) = 20


class MediumQuery(FewQuery):
    sort: Literal["relevance", "price_asc", "price_desc", "newest", "rating"] = "relevance"
    min_price: Price | None = None
    max_price: Price | None = None
    in_stock: bool | None = None
    category: text(1, 64) | None = None


class ManyQuery(MediumQuery):
    order: Literal["asc", "desc"] = "desc"
    brand: Annotated[list[Tag], Meta(max_length=20)] = []
    tag: Annotated[list[Tag], Meta(max_length=20)] = []
    color: Annotated[list[Literal["red", "green", "blue", "black", "white"]], Meta(max_length=20)] = []
    rating_min: integer(1, 5) | None = None
    currency: Literal["USD", "EUR", "GBP", "JPY"] = "USD"
    include_variants: bool = False
    since: Date | None = None
    lang: text(pattern=r"^[a-z]{2}\Z") = "en"


# --- form -------------------------------------------------------------------

Name = text(1, 100)
Email = text(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+\Z")
Age = integer(13, 130)


class SimpleForm(Struct):
    username: text(3, 32, r"^[A-Za-z0-9_]+\Z")
    email: Email
    age: Age
    newsletter: bool = False


class ComplexForm(Struct, kw_only=True):
    first_name: Name
    last_name: Name
    email: Email
    phone: text(pattern=r"^\+?[0-9 ()-]{6,20}\Z")
    age: Age
    country: text(pattern=r"^[A-Z]{2}\Z")
    city: Name
    postcode: text(1, 16)
    company: Name | None = None
    job_title: Name | None = None
    website: text(1, 2048, r"^https?://") | None = None
    bio: text(max_length=1000) | None = None
    interests: Annotated[list[text(1, 64)], Meta(max_length=20)] = []
    languages: Annotated[list[text(pattern=r"^[a-z]{2}\Z")], Meta(max_length=10)] = []
    newsletter: bool = False
    terms: bool
    contact_method: Literal["email", "phone", "post"]
    experience_years: integer(0, 80)


# --- multipart --------------------------------------------------------------


class UploadedFile(Struct):
    name: str
    size: int
    sha256: str


class Upload(Struct):
    fields: dict[str, str]
    file: UploadedFile


# --- mixed ------------------------------------------------------------------


class PostPath(Struct):
    id: integer(1, INT32_MAX)


class PostQuery(Struct):
    publish: bool = False


class NewPost(Struct):
    title: text(1, 200)
    body: text(1, 10_000)
    tags: Annotated[list[text(1, 32)], Meta(max_length=10)]


class Post(Struct):
    user_id: int
    published: bool
    title: str
    body: str
    tags: list[str]


# --- sse and stress ---------------------------------------------------------


class SseQuery(Struct):
    events: integer(1, 100_000) = 10
    interval_ms: integer(0, 10_000) = 0


class CpuPath(Struct):
    n: integer(1, 1_000_000)


class MemoryPath(Struct):
    mb: integer(1, 256)


# --- shortener --------------------------------------------------------------

# http(s), the scheme in any case (RFC 3986: schemes are case-insensitive), printable ASCII only
# (it goes back out in `Location` as is), and the character after `//` is not `/`, `?` or `#`.
URL_PATTERN = r"^[hH][tT][tT][pP][sS]?://[\x21\x22\x24-\x2e\x30-\x3e\x40-\x7e][\x21-\x7e]*\Z"


class Shorten(Struct):
    url: text(max_length=2048, pattern=URL_PATTERN)


# --- db ---------------------------------------------------------------------


class ItemsQuery(Struct):
    limit: integer(1, 100) = 20
    offset: integer(0, 100_000) = 0


class ItemPath(Struct):
    id: digits(1)


class NewItem(Struct):
    name: text(1, 200)
    description: text(max_length=2000)
    price: number(0, 1_000_000)
    stock: Annotated[int, Meta(ge=0, le=INT32_MAX)]


class RecipesQuery(Struct):
    limit: integer(1, 50) = 10
