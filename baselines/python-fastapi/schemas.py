"""Request and response models.

JSON bodies are strict (no coercion: `"12345"` is not an int) and mirror the fixtures in
workloads/json/ field for field; unknown keys are dropped. Query and form models use
the text types of params.py.
"""

from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from gauntlet_data.records import cents
from params import INT32_MAX, Bool, Date, integer, number, one_of, text


def _integral(value: Any) -> Any:
    # Numbers compare by value, so 12345.0 is the integer 12345; 12.5 and "12" stay errors.
    if type(value) is float and value.is_integer():
        return int(value)
    return value


JsonInt = Annotated[int, BeforeValidator(_integral)]


class Strict(BaseModel):
    model_config = ConfigDict(strict=True)


# --- json/small -------------------------------------------------------------


class Small(Strict):
    id: JsonInt
    name: str
    price: float
    in_stock: bool
    tags: list[str]


# --- json/medium ------------------------------------------------------------


class Address(Strict):
    street: str
    city: str
    postcode: str
    country: str


class Customer(Strict):
    id: JsonInt
    name: str
    email: str
    vip: bool
    address: Address


class OrderItem(Strict):
    sku: str
    name: str
    quantity: JsonInt
    unit_price: float
    gift: bool


class Shipping(Strict):
    method: str
    cost: float
    tracking: str
    eta_days: JsonInt


class Medium(Strict):
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


class Dimensions(Strict):
    width: float
    height: float
    depth: float


class Variant(Strict):
    sku: str
    color: str
    size: str
    stock: JsonInt


class Product(Strict):
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


class Large(Strict):
    page: JsonInt
    page_size: JsonInt
    total_count: JsonInt
    generated_at: str
    products: list[Product]


# --- mixed ------------------------------------------------------------------


class NewPost(Strict):
    title: Annotated[str, Field(min_length=1, max_length=200)]
    body: Annotated[str, Field(min_length=1, max_length=10_000)]
    tags: Annotated[list[Annotated[str, Field(min_length=1, max_length=32)]], Field(max_length=10)]


class Post(BaseModel):
    user_id: int
    published: bool
    title: str
    body: str
    tags: list[str]


# --- query ------------------------------------------------------------------

Sort = one_of("relevance", "price_asc", "price_desc", "newest", "rating")
Price = number(0, 1_000_000)
Tag = text(1, 64)


class FewQuery(BaseModel):
    q: text(1, 256)
    page: integer(1, 10_000) = 1
    limit: integer(1, 100) = 20


class MediumQuery(FewQuery):
    sort: Sort = "relevance"
    min_price: Price | None = None
    max_price: Price | None = None
    in_stock: Bool | None = None
    category: text(1, 64) | None = None


class ManyQuery(MediumQuery):
    order: one_of("asc", "desc") = "desc"
    brand: Annotated[list[Tag], Field(max_length=20)] = []
    tag: Annotated[list[Tag], Field(max_length=20)] = []
    color: Annotated[list[one_of("red", "green", "blue", "black", "white")], Field(max_length=20)] = []
    rating_min: integer(1, 5) | None = None
    currency: one_of("USD", "EUR", "GBP", "JPY") = "USD"
    include_variants: Bool = False
    since: Date | None = None
    lang: text(pattern=r"^[a-z]{2}$") = "en"


# --- form -------------------------------------------------------------------

Name = text(1, 100)
Email = text(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
Age = integer(13, 130)


class SimpleForm(BaseModel):
    username: text(3, 32, r"^[A-Za-z0-9_]+$")
    email: Email
    age: Age
    newsletter: Bool = False


class ComplexForm(BaseModel):
    first_name: Name
    last_name: Name
    email: Email
    phone: text(pattern=r"^\+?[0-9 ()-]{6,20}$")
    age: Age
    country: text(pattern=r"^[A-Z]{2}$")
    city: Name
    postcode: text(1, 16)
    company: Name | None = None
    job_title: Name | None = None
    website: text(1, 2048, r"^https?://") | None = None
    bio: text(max_length=1000) | None = None
    interests: Annotated[list[text(1, 64)], Field(max_length=20)] = []
    languages: Annotated[list[text(pattern=r"^[a-z]{2}$")], Field(max_length=10)] = []
    newsletter: Bool = False
    terms: Bool
    contact_method: one_of("email", "phone", "post")
    experience_years: integer(0, 80)


# --- upload -----------------------------------------------------------------


class UploadedFile(BaseModel):
    name: str
    size: int
    sha256: str


class Upload(BaseModel):
    fields: dict[str, str]
    file: UploadedFile


# --- shortener --------------------------------------------------------------

# http(s) only, the scheme in any case (RFC 3986: schemes are case-insensitive), printable
# ASCII (it goes back out in `Location` as is), and the character after `//` is not `/`, `?`
# or `#` (a host part is there).
URL_PATTERN = r"^[Hh][Tt][Tt][Pp][Ss]?://[\x21\x22\x24-\x2e\x30-\x3e\x40-\x7e][\x21-\x7e]*$"


def _lower_scheme(url: str) -> str:
    """Stored with the scheme lower-cased; everything after `://` byte for byte as sent."""
    scheme, rest = url.split("://", 1)
    return f"{scheme.lower()}://{rest}"


class Shorten(Strict):
    url: Annotated[str, Field(max_length=2048, pattern=URL_PATTERN), AfterValidator(_lower_scheme)]


# --- db ---------------------------------------------------------------------


class NewItem(Strict):
    name: Annotated[str, Field(min_length=1, max_length=200)]
    description: Annotated[str, Field(max_length=2000)]
    price: Annotated[float, Field(ge=0, le=1_000_000, allow_inf_nan=False), AfterValidator(cents)]
    stock: Annotated[JsonInt, Field(ge=0, le=INT32_MAX)]
