"""The catalogue's endpoints (docs/contract.md) as Django function views; routes in gauntlet/urls.py."""

import hashlib
import random
import re
from typing import Any

from django import forms as django_forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError

from gauntlet_data import protocol

from . import cache, db, forms, schemas, shortener
from .http import (
    ApiError,
    Issue,
    MiB,
    accepts,
    error_response,
    form_issues,
    invalid_body,
    json_body,
    json_response,
    methods,
    not_found,
    unavailable,
    validation_failed,
)

# --- basic ------------------------------------------------------------------


@methods("GET")
def plaintext(request: HttpRequest) -> HttpResponse:
    """TechEmpower plaintext; gunicorn adds `Server` and `Date`, CommonMiddleware `Content-Length`."""
    return HttpResponse(b"Hello, World!", content_type="text/plain")


@methods("GET")
def json_serialization(request: HttpRequest) -> HttpResponse:
    """TechEmpower json: the object is built and serialised per request."""
    return json_response({"message": "Hello, World!"})


@methods("GET")
def health(request: HttpRequest) -> HttpResponse:
    """`SELECT 1` and `PING` at once, each answered within 1 s or down; `degraded` if either is."""
    db_answered = db.start_ping() if db.configured() else None  # on /health's own thread
    cache_up = cache.ping()  # meanwhile, on this one
    report = {
        "db": {"backend": "none" if db_answered is None else "postgres", "up": bool(db_answered and db_answered())},
        "cache": {"backend": "none" if cache.redis is None else "redis", "up": cache_up},
    }
    in_use = [backend for backend in report.values() if backend["backend"] != "none"]
    return json_response({"status": "ok" if all(b["up"] for b in in_use) else "degraded", **report})


@accepts("application/json", MiB)
def echo(request: HttpRequest) -> HttpResponse:
    """Any JSON value, re-serialised."""
    return json_response(json_body(request))


# --- json -------------------------------------------------------------------


def validated(schema: schemas.Schema, value: Any) -> Any:
    cleaned, issues = schema.validate(value)
    if issues:
        raise validation_failed(issues)
    return cleaned


@accepts("application/json", MiB)
def json_small(request: HttpRequest) -> HttpResponse:
    return json_response(validated(schemas.SMALL, json_body(request)))


@accepts("application/json", MiB)
def json_medium(request: HttpRequest) -> HttpResponse:
    return json_response(validated(schemas.MEDIUM, json_body(request)))


@accepts("application/json", MiB)
def json_large(request: HttpRequest) -> HttpResponse:
    return json_response(validated(schemas.LARGE, json_body(request)))


# --- path -------------------------------------------------------------------

SEGMENT = forms.Text(1, 256)
PATH_INT = forms.Integer(0, forms.INT32_MAX, digits=True)
PATH_ID = forms.Integer(1, forms.INT32_MAX, digits=True)
PATH_UUID = forms.Uuid()
PATH_DATE = forms.Date()


def path_params(**params: tuple[django_forms.Field, str]) -> dict[str, Any]:
    """Each path parameter cleaned by its field; every failure reported (422 at its name)."""
    cleaned, issues = path_values(**params)
    if issues:
        raise validation_failed(issues)
    return cleaned


def path_values(**params: tuple[django_forms.Field, str]) -> tuple[dict[str, Any], list[Issue]]:
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name, (field, raw) in params.items():
        try:
            cleaned[name] = field.clean(raw)
        except ValidationError as error:
            errors[name] = error.messages
    return cleaned, form_issues(errors)


@methods("GET")
def path_simple(request: HttpRequest, id: str) -> HttpResponse:
    return json_response(path_params(id=(SEGMENT, id)))


@methods("GET")
def path_multiple(request: HttpRequest, user_id: str, post_id: str) -> HttpResponse:
    return json_response(path_params(user_id=(SEGMENT, user_id), post_id=(SEGMENT, post_id)))


@methods("GET")
def path_deep(request: HttpRequest, org: str, team: str, project: str, resource: str, id: str) -> HttpResponse:
    return json_response(
        path_params(
            org=(SEGMENT, org),
            team=(SEGMENT, team),
            project=(SEGMENT, project),
            resource=(SEGMENT, resource),
            id=(SEGMENT, id),
        )
    )


@methods("GET")
def path_int(request: HttpRequest, n: str) -> HttpResponse:
    return json_response(path_params(n=(PATH_INT, n)))


@methods("GET")
def path_uuid(request: HttpRequest, uuid: str) -> HttpResponse:
    return json_response(path_params(uuid=(PATH_UUID, uuid)))


@methods("GET")
def path_date(request: HttpRequest, date: str) -> HttpResponse:
    return json_response(path_params(date=(PATH_DATE, date)))


# --- query ------------------------------------------------------------------


def bound(form: django_forms.Form) -> dict[str, Any]:
    """The form's cleaned data, or 422 with an issue per failing field."""
    if not form.is_valid():
        raise validation_failed(form_issues(form.errors))
    return form.cleaned_data


@methods("GET")
def query_few(request: HttpRequest) -> HttpResponse:
    return json_response(bound(forms.FewQuery(request.GET)))


@methods("GET")
def query_medium(request: HttpRequest) -> HttpResponse:
    return json_response(bound(forms.MediumQuery(request.GET)))


@methods("GET")
def query_many(request: HttpRequest) -> HttpResponse:
    return json_response(bound(forms.ManyQuery(request.GET)))


# --- form -------------------------------------------------------------------


@accepts("application/x-www-form-urlencoded", MiB)
def form_simple(request: HttpRequest) -> HttpResponse:
    return json_response(bound(forms.SimpleForm(request.POST)))


@accepts("application/x-www-form-urlencoded", MiB)
def form_complex(request: HttpRequest) -> HttpResponse:
    return json_response(bound(forms.ComplexForm(request.POST)))


# --- multipart --------------------------------------------------------------


@accepts("multipart/form-data", settings.UPLOAD_MAX_BYTES)
def upload(request: HttpRequest) -> HttpResponse:
    """The part `file` (with a filename) is hashed; every other part is echoed as text."""
    try:
        fields, files = request.POST, request.FILES
    except MultiPartParserError as exc:
        raise invalid_body(f"malformed multipart body: {exc}") from None
    if not fields and not files:
        # Django's parser skips what is not a part, so a body without its boundary parses as
        # nothing; a multipart body has at least one part (RFC 2046 §5.1.1), so it is malformed.
        raise invalid_body("malformed multipart body: no part found")
    # Django puts a part with a filename in FILES and any other part in POST.
    errors: dict[str, list[str]] = {}
    for name in {*fields.keys(), *files.keys()}:
        if len(fields.getlist(name)) + len(files.getlist(name)) > 1:
            errors[name] = ["given more than once"]
    if "file" not in errors:
        if "file" in fields:
            errors["file"] = ["the file part needs a filename"]
        elif "file" not in files:
            errors["file"] = ["the file part is required"]
    if errors:
        raise validation_failed(form_issues(errors))
    file = files["file"]
    digest = hashlib.sha256()
    for chunk in file.chunks():
        digest.update(chunk)
    echoed = {name: fields[name] for name in fields}
    return json_response(
        {"fields": echoed, "file": {"name": file.name, "size": file.size, "sha256": digest.hexdigest()}}
    )


# --- mixed ------------------------------------------------------------------


@accepts("application/json", MiB)
def create_post(request: HttpRequest, id: str) -> HttpResponse:
    """Path, query and body validated together: the issues of every failing part at once."""
    body = json_body(request)
    params, issues = path_values(id=(PATH_ID, id))
    query = forms.PublishQuery(request.GET)
    if not query.is_valid():
        issues += form_issues(query.errors)
    post, body_issues = schemas.NEW_POST.validate(body)
    issues += body_issues
    if issues:
        raise validation_failed(issues)
    return json_response({"user_id": params["id"], "published": query.cleaned_data["publish"], **post}, 201)


# --- stress -----------------------------------------------------------------

STRESS_CPU_N = forms.Integer(1, 1_000_000)
STRESS_MB = forms.Integer(1, 256)


def count_primes(n: int) -> int:
    """Primes below n by trial division with odd divisors, exactly as the contract writes it."""
    count = 0
    for k in range(2, n):
        if k == 2:
            count += 1
            continue
        if k % 2 == 0:
            continue
        d, prime = 3, True
        while d * d <= k:
            if k % d == 0:
                prime = False
                break
            d += 2
        if prime:
            count += 1
    return count


@methods("GET")
def stress_cpu(request: HttpRequest, n: str) -> HttpResponse:
    count = path_params(n=(STRESS_CPU_N, n))["n"]
    return json_response({"n": count, "primes": count_primes(count)})


@methods("GET")
def stress_memory(request: HttpRequest, mb: str) -> HttpResponse:
    size = path_params(mb=(STRESS_MB, mb))["mb"]
    buffer = bytearray(size << 20)
    pages = 0
    for offset in range(0, len(buffer), 4096):
        buffer[offset] = 1
        pages += 1
    del buffer
    return json_response({"mb": size, "pages": pages})


# --- db ---------------------------------------------------------------------

WORLD_ROWS = 10_000
MAX_QUERIES = 500
QUERIES_N = re.compile(r"-?[0-9]+")


@methods("GET")
def list_items(request: HttpRequest) -> HttpResponse:
    page = bound(forms.ItemsPage(request.GET))
    items = db.fetch_all(db.SELECT_ITEMS, [page["limit"], page["offset"]])
    return json_response({"items": [db.item_json(row) for row in items], **page})


@methods("GET")
def get_item(request: HttpRequest, id: str) -> HttpResponse:
    item_id = path_params(id=(PATH_ID, id))["id"]
    row = db.fetch_one(db.SELECT_ITEM, [item_id])
    if row is None:
        raise not_found(f"no item {item_id}")
    return json_response(db.item_json(row))


@accepts("application/json", MiB)
def create_item(request: HttpRequest) -> HttpResponse:
    item = validated(schemas.NEW_ITEM, json_body(request))
    row = db.fetch_one(db.INSERT_ITEM, [item["name"], item["description"], item["price"], item["stock"]])
    return json_response(db.item_json(row), 201)


def items_view(request: HttpRequest) -> HttpResponse:
    """`/db/items`: GET lists, POST creates (one route, two methods)."""
    if request.method == "POST":
        return create_item(request)
    return list_items(request)


def queries_count(raw: str | None) -> int:
    """TechEmpower's rule for the first `n`: an integer (of any size) clamped to 1…500, else 1."""
    if raw is None or not QUERIES_N.fullmatch(raw):
        return 1
    negative, magnitude = raw.startswith("-"), raw.lstrip("-").lstrip("0")
    if negative or not magnitude:
        return 1
    return MAX_QUERIES if len(magnitude) > 3 else min(int(magnitude), MAX_QUERIES)


def world_json(row: tuple[int, int]) -> dict[str, int]:
    return {"id": row[0], "randomNumber": row[1]}


@methods("GET")
def db_random(request: HttpRequest) -> HttpResponse:
    row = db.fetch_one(db.SELECT_WORLD, [random.randint(1, WORLD_ROWS)])
    return json_response(world_json(row))


@methods("GET")
def db_queries(request: HttpRequest) -> HttpResponse:
    """n executions of the World statement, each its own random id.

    One after another on this request's connection: Django is synchronous, and its idiom is
    sequential queries on the thread's connection (not the contract's concurrent reads)."""
    n = queries_count(next(iter(request.GET.getlist("n")), None))
    with db.cursor() as cursor:
        rows = []
        for _ in range(n):
            cursor.execute(db.SELECT_WORLD, [random.randint(1, WORLD_ROWS)])
            rows.append(world_json(cursor.fetchone()))
    return json_response(rows)


@methods("GET")
def recipes(request: HttpRequest) -> HttpResponse:
    """One join, folded into recipes (rows come ordered by recipe, then position)."""
    limit = bound(forms.RecipesPage(request.GET))["limit"]
    folded: list[dict[str, Any]] = []
    current: dict[str, Any] | None = None
    for recipe_id, name, servings, minutes, ingredient, amount in db.fetch_all(db.SELECT_RECIPES, [limit]):
        if current is None or current["id"] != recipe_id:
            current = {"id": recipe_id, "name": name, "servings": servings, "minutes": minutes, "ingredients": []}
            folded.append(current)
        current["ingredients"].append({"name": ingredient, "amount": amount})
    return json_response({"recipes": folded})


# --- shortener --------------------------------------------------------------


@accepts("application/json", MiB)
def shorten(request: HttpRequest) -> HttpResponse:
    """A fresh code for an http(s) URL, stored with its scheme lower-cased; the cache is not touched."""
    url = validated(schemas.SHORTEN, json_body(request))["url"]
    code = shortener.create(protocol.normalise(url))
    if code is None:
        raise ApiError(500, "internal", f"no free code in {shortener.MAX_ATTEMPTS} attempts")
    return json_response({"code": code, "short_url": f"http://{request.get_host()}/{code}"}, 201)


@methods("GET")
def click_stats(request: HttpRequest, code: str) -> HttpResponse:
    """A code's URL and clicks, from Postgres (clicks made more than 1 s ago are in)."""
    found = shortener.stats(code) if protocol.CODE.fullmatch(code) else None
    if found is None:
        raise not_found(f"no short code {code!r}")
    return json_response(found)


@methods("GET")
def redirect(request: HttpRequest, code: str) -> HttpResponse:
    """302 to the code's URL (through the cache), its click counted first."""
    if not db.configured():
        raise unavailable("this server runs without a database (DATABASE_URL is not set)")
    url = shortener.resolve(code)
    if url is None:
        raise not_found(f"no short code {code!r}")
    shortener.count(code)
    # Not HttpResponseRedirect: it passes the URL through iri_to_uri, which would percent-encode
    # characters the contract sends back as stored (`"`, `{`, `|`…); the URL is printable ASCII.
    response = HttpResponse(status=302)
    response["Location"] = url
    return response


# --- errors (urls.py's handlers) ------------------------------------------------


def handler400(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(400, "invalid_body", "bad request")


def handler404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(404, "not_found", f"no route for {request.method} {request.path}")


def handler500(request: HttpRequest) -> HttpResponse:
    return error_response(500, "internal", "internal server error")
