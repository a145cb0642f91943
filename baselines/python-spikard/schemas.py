"""The DTOs, as msgspec Structs (Spikard's default validation library; the seed's benchmark app
used msgspec.Struct bodies too).

JSON bodies mirror workloads/json/*.json field for field: every field required, strict types
(no coercion, so `"12345"` is not an int), unknown keys dropped. Query and form models carry the
contract's ranges, lengths, patterns and enums as msgspec `Meta` constraints; rules.bind turns the
raw text into typed values first (the contract's text rules), then msgspec checks the constraints.
"""

import datetime
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1
SAFE = 2**53 - 1

# JSON integers are integral numbers within ±(2^53 − 1).
JsonInt = Annotated[int, Meta(ge=-SAFE, le=SAFE)]


# --- json/small -------------------------------------------------------------


class Small(msgspec.Struct):
    id: JsonInt
    name: str
    price: float
    in_stock: bool
    tags: list[str]


# --- json/medium ------------------------------------------------------------


class Address(msgspec.Struct):
    street: str
    city: str
    postcode: str
    country: str


class Customer(msgspec.Struct):
    id: JsonInt
    name: str
    email: str
    vip: bool
    address: Address


class OrderItem(msgspec.Struct):
    sku: str
    name: str
    quantity: JsonInt
    unit_price: float
    gift: bool


class Shipping(msgspec.Struct):
    method: str
    cost: float
    tracking: str
    eta_days: JsonInt


class Medium(msgspec.Struct):
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


class Dimensions(msgspec.Struct):
    width: float
    height: float
    depth: float


class Variant(msgspec.Struct):
    sku: str
    color: str
    size: str
    stock: JsonInt


class Product(msgspec.Struct):
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


class Large(msgspec.Struct):
    page: JsonInt
    page_size: JsonInt
    total_count: JsonInt
    generated_at: str
    products: list[Product]


# --- mixed ------------------------------------------------------------------


class NewPost(msgspec.Struct):
    title: Annotated[str, Meta(min_length=1, max_length=200)]
    body: Annotated[str, Meta(min_length=1, max_length=10_000)]
    tags: Annotated[list[Annotated[str, Meta(min_length=1, max_length=32)]], Meta(max_length=10)]


class PostQuery(msgspec.Struct):
    publish: bool = False


# --- query ------------------------------------------------------------------

Sort = Literal["relevance", "price_asc", "price_desc", "newest", "rating"]
Price = Annotated[float, Meta(ge=0, le=1_000_000)]
Tag = Annotated[str, Meta(min_length=1, max_length=64)]
Color = Literal["red", "green", "blue", "black", "white"]


class FewQuery(msgspec.Struct):
    q: Annotated[str, Meta(min_length=1, max_length=256)]
    page: Annotated[int, Meta(ge=1, le=10_000)] = 1
    limit: Annotated[int, Meta(ge=1, le=100)] = 20


class MediumQuery(FewQuery):
    sort: Sort = "relevance"
    min_price: Price | None = None
    max_price: Price | None = None
    in_stock: bool | None = None
    category: Annotated[str, Meta(min_length=1, max_length=64)] | None = None


class ManyQuery(MediumQuery):
    order: Literal["asc", "desc"] = "desc"
    brand: Annotated[list[Tag], Meta(max_length=20)] = []
    tag: Annotated[list[Tag], Meta(max_length=20)] = []
    color: Annotated[list[Color], Meta(max_length=20)] = []
    rating_min: Annotated[int, Meta(ge=1, le=5)] | None = None
    currency: Literal["USD", "EUR", "GBP", "JPY"] = "USD"
    include_variants: bool = False
    since: datetime.date | None = None
    lang: Annotated[str, Meta(pattern=r"^[a-z]{2}$")] = "en"


# --- form -------------------------------------------------------------------

Name = Annotated[str, Meta(min_length=1, max_length=100)]
Email = Annotated[str, Meta(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
Age = Annotated[int, Meta(ge=13, le=130)]


class SimpleForm(msgspec.Struct):
    username: Annotated[str, Meta(min_length=3, max_length=32, pattern=r"^[A-Za-z0-9_]+$")]
    email: Email
    age: Age
    newsletter: bool = False


class ComplexForm(msgspec.Struct, kw_only=True):
    first_name: Name
    last_name: Name
    email: Email
    phone: Annotated[str, Meta(pattern=r"^\+?[0-9 ()-]{6,20}$")]
    age: Age
    country: Annotated[str, Meta(pattern=r"^[A-Z]{2}$")]
    city: Name
    postcode: Annotated[str, Meta(min_length=1, max_length=16)]
    company: Name | None = None
    job_title: Name | None = None
    website: Annotated[str, Meta(min_length=1, max_length=2048, pattern=r"^https?://")] | None = None
    bio: Annotated[str, Meta(max_length=1000)] | None = None
    interests: Annotated[list[Annotated[str, Meta(min_length=1, max_length=64)]], Meta(max_length=20)] = []
    languages: Annotated[list[Annotated[str, Meta(pattern=r"^[a-z]{2}$")]], Meta(max_length=10)] = []
    newsletter: bool = False
    terms: bool
    contact_method: Literal["email", "phone", "post"]
    experience_years: Annotated[int, Meta(ge=0, le=80)]


# --- db ---------------------------------------------------------------------


class ItemsQuery(msgspec.Struct):
    limit: Annotated[int, Meta(ge=1, le=100)] = 20
    offset: Annotated[int, Meta(ge=0, le=100_000)] = 0


class RecipesQuery(msgspec.Struct):
    limit: Annotated[int, Meta(ge=1, le=50)] = 10


class NewItem(msgspec.Struct):
    name: Annotated[str, Meta(min_length=1, max_length=200)]
    description: Annotated[str, Meta(max_length=2000)]
    price: Annotated[float, Meta(ge=0, le=1_000_000)]  # and at most two decimals (app.py)
    stock: Annotated[int, Meta(ge=0, le=INT32_MAX)]
