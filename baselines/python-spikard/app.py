"""Gauntlet's catalogue on Spikard 0.13.0 with Python handlers (Rust HTTP core, PyO3).

Written as the seed's benchmark app (tools/benchmark-harness/apps/spikard-python/server.py):
`Spikard()`, `@app.get`/`@app.post` on async handlers, msgspec.Struct DTOs,
`ServerConfig(workers=1)` and `app.run(config=...)`. Where Spikard's own validation cannot give
the contract's answers, handlers take the raw inputs and validate with msgspec (see rules.py).

Run: `python app.py` (HOST, PORT, WORKERS, DATABASE_URL from the environment); serve.sh does that.
"""

import asyncio
import hashlib
import os
import signal
import sys
import threading
from collections.abc import Awaitable, Callable
from typing import Any

import msgspec
from spikard import Header, Path, Query, Request, Response, Spikard
from spikard.config import ServerConfig

import rules
from gauntlet_data import records
from gauntlet_data.data import POOL_PER_TARGET, Data, DataUnavailable, Db
from rules import SERVER, error, invalid, issue
from schemas import (
    ComplexForm,
    FewQuery,
    ItemsQuery,
    Large,
    ManyQuery,
    Medium,
    MediumQuery,
    NewItem,
    NewPost,
    PostQuery,
    RecipesQuery,
    SimpleForm,
    Small,
)

app = Spikard()

# Every query parameter is declared as a list of strings: Spikard then hands over each value as
# the text sent (its typed parameters coerce `True`/`1` to booleans and answer problem+json).
Raw = list[str]
ALL = Query(default_factory=list)


# --- data ------------------------------------------------------------------------


class Backends:
    """The data layer, opened on the event loop that runs the `async def` handlers.

    Spikard 0.13.0 has no startup or shutdown hook, and its dependency injection awaits an async
    factory with `asyncio.run()` on a loop of its own (crates/spikard-py/src/di.rs:196 at v0.13.0), where an asyncpg
    pool would be bound to a loop that is then closed. So the first request that needs the data
    layer opens it on the handler loop (the orchestrator's first `/health` poll, before any load;
    asyncpg connects on demand, so nothing is sent then), and `close()` runs it down on that loop
    from the main thread when the server stops. Postgres only: this target serves no Redis.
    """

    def __init__(self) -> None:
        self.data: Data | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self.opening: asyncio.Lock | None = None

    async def get(self) -> Data:
        if self.data is None:
            self.opening = self.opening or asyncio.Lock()
            async with self.opening:
                if self.data is None:
                    # One process whatever WORKERS is (they are Tokio threads): the pool stays whole.
                    self.data = await Data.open(cache=False, pool_max=POOL_PER_TARGET)
                    self.loop = asyncio.get_running_loop()
        return self.data

    def close(self, timeout_s: float) -> None:
        """From another thread: closes the pool on its loop, waiting at most `timeout_s`."""
        if self.data is None or self.loop is None:
            return
        try:
            asyncio.run_coroutine_threadsafe(self.data.close(), self.loop).result(timeout_s)
        except Exception:  # noqa: BLE001 — the process exits next: whatever is left open, the kernel closes
            pass


backends = Backends()


async def answer(query: Callable[[Db], Awaitable[Any]], *, status: int = 200, missing: str = "") -> Response:
    """`query`'s value as JSON, with `Server` (TechEmpower's verifier requires it on /db/random and
    /db/queries); None → 404 `missing`; Postgres out of reach (or DATABASE_URL unset) → 503."""
    try:
        value = await query((await backends.get()).require_db())
    except DataUnavailable as exc:
        return error(503, exc.message)
    if value is None:
        return error(404, missing)
    return Response(content=value, status_code=status, headers={"server": SERVER})


# --- basic -------------------------------------------------------------------


@app.get("/plaintext")
async def plaintext() -> Response:
    return Response(content="Hello, World!", headers={"content-type": "text/plain", "server": SERVER})


@app.get("/json")
async def json_serialization() -> Response:
    return Response(content={"message": "Hello, World!"}, headers={"server": SERVER})


@app.get("/health")
async def health() -> dict[str, Any]:
    """`SELECT 1` (with DATABASE_URL), answered within 1 s or down; no cache is in use."""
    return await (await backends.get()).health()


@app.post("/echo")
async def echo(request: Request) -> Any:
    raw = rules.read_body(request, "application/json", rules.JSON_LIMIT)
    if isinstance(raw, Response):
        return raw
    try:
        return Response(content=msgspec.json.decode(raw))
    except msgspec.DecodeError as exc:
        return error(400, f"malformed JSON: {exc}")


# --- json ----------------------------------------------------------------------


def json_route(path: str, model: type) -> None:
    async def handler(request: Request) -> Any:
        raw = rules.read_body(request, "application/json", rules.JSON_LIMIT)
        if isinstance(raw, Response):
            return raw
        value, failure = rules.decode_json(raw, model)
        return failure or value

    handler.__name__ = f"json_{model.__name__.lower()}"
    app.post(path)(handler)


json_route("/json/small", Small)
json_route("/json/medium", Medium)
json_route("/json/large", Large)


# --- path --------------------------------------------------------------------


def checked(issues: list[dict[str, Any]], echo: dict[str, Any]) -> Any:
    return invalid(issues) if issues else echo


@app.get("/path/simple/{id}")
async def path_simple(id: str = Path()) -> Any:
    issues: list[dict[str, Any]] = []
    return checked(issues, {"id": rules.segment(id, "id", issues)})


@app.get("/path/multiple/{user_id}/{post_id}")
async def path_multiple(user_id: str = Path(), post_id: str = Path()) -> Any:
    issues: list[dict[str, Any]] = []
    echo = {"user_id": rules.segment(user_id, "user_id", issues), "post_id": rules.segment(post_id, "post_id", issues)}
    return checked(issues, echo)


@app.get("/path/deep/{org}/{team}/{project}/{resource}/{id}")
async def path_deep(
    org: str = Path(), team: str = Path(), project: str = Path(), resource: str = Path(), id: str = Path()
) -> Any:
    issues: list[dict[str, Any]] = []
    values = {"org": org, "team": team, "project": project, "resource": resource, "id": id}
    return checked(issues, {name: rules.segment(value, name, issues) for name, value in values.items()})


@app.get("/path/int/{n}")
async def path_int(n: str = Path()) -> Any:
    issues: list[dict[str, Any]] = []
    return checked(issues, {"n": rules.digits(n, "n", issues)})


@app.get("/path/uuid/{uuid}")
async def path_uuid(uuid: str = Path()) -> Any:
    issues: list[dict[str, Any]] = []
    return checked(issues, {"uuid": rules.uuid(uuid, "uuid", issues)})


@app.get("/path/date/{date}")
async def path_date(date: str = Path()) -> Any:
    issues: list[dict[str, Any]] = []
    return checked(issues, {"date": rules.date(date, "date", issues)})


# --- query -------------------------------------------------------------------

FEW, MEDIUM, MANY = rules.plan(FewQuery), rules.plan(MediumQuery), rules.plan(ManyQuery)


def typed(model: type, fields: list[tuple[str, Any, bool]], given: dict[str, list[str]]) -> Any:
    value, issues = rules.bind(model, fields, given)
    return invalid(issues) if issues else value


@app.get("/query/few")
async def query_few(q: Raw = ALL, page: Raw = ALL, limit: Raw = ALL) -> Any:
    return typed(FewQuery, FEW, {"q": q, "page": page, "limit": limit})


@app.get("/query/medium")
async def query_medium(
    q: Raw = ALL,
    page: Raw = ALL,
    limit: Raw = ALL,
    sort: Raw = ALL,
    min_price: Raw = ALL,
    max_price: Raw = ALL,
    in_stock: Raw = ALL,
    category: Raw = ALL,
) -> Any:
    given = {
        "q": q,
        "page": page,
        "limit": limit,
        "sort": sort,
        "min_price": min_price,
        "max_price": max_price,
        "in_stock": in_stock,
        "category": category,
    }
    return typed(MediumQuery, MEDIUM, given)


@app.get("/query/many")
async def query_many(
    q: Raw = ALL,
    page: Raw = ALL,
    limit: Raw = ALL,
    sort: Raw = ALL,
    min_price: Raw = ALL,
    max_price: Raw = ALL,
    in_stock: Raw = ALL,
    category: Raw = ALL,
    order: Raw = ALL,
    brand: Raw = ALL,
    tag: Raw = ALL,
    color: Raw = ALL,
    rating_min: Raw = ALL,
    currency: Raw = ALL,
    include_variants: Raw = ALL,
    since: Raw = ALL,
    lang: Raw = ALL,
) -> Any:
    given = {
        "q": q,
        "page": page,
        "limit": limit,
        "sort": sort,
        "min_price": min_price,
        "max_price": max_price,
        "in_stock": in_stock,
        "category": category,
        "order": order,
        "brand": brand,
        "tag": tag,
        "color": color,
        "rating_min": rating_min,
        "currency": currency,
        "include_variants": include_variants,
        "since": since,
        "lang": lang,
    }
    return typed(ManyQuery, MANY, given)


# --- form ----------------------------------------------------------------------


def form_route(path: str, model: type) -> None:
    fields = rules.plan(model)

    async def handler(request: Request) -> Any:
        raw = rules.read_body(request, "application/x-www-form-urlencoded", rules.JSON_LIMIT)
        if isinstance(raw, Response):
            return raw
        try:
            given = rules.parse_form(raw)
        except ValueError as exc:
            return error(400, f"malformed urlencoded body: {exc}")
        return typed(model, fields, given)

    handler.__name__ = f"form_{model.__name__.lower()}"
    app.post(path)(handler)


form_route("/form/simple", SimpleForm)
form_route("/form/complex", ComplexForm)


# --- multipart -----------------------------------------------------------------


@app.post("/upload")
async def upload(request: Request) -> Any:
    raw = rules.read_body(request, "multipart/form-data", rules.UPLOAD_LIMIT)
    if isinstance(raw, Response):
        return raw
    try:
        parts = rules.parse_multipart(raw, request.headers.get("content-type", ""))
        fields: dict[str, str] = {}
        files: list[tuple[str, bytes]] = []
        issues: list[dict[str, Any]] = []
        for name, filename, data in parts:
            if name == "file":
                if filename is None:
                    issues.append(issue("file", "expected a file part (with a filename)"))
                else:
                    files.append((filename, data))
            elif name in fields:
                issues.append(issue(name, "given more than once"))
            else:
                fields[name] = data.decode("utf-8")
    except (ValueError, UnicodeDecodeError) as exc:
        return error(400, f"malformed multipart body: {exc}")
    if len(files) != 1:
        issues.append(issue("file", "expected exactly one file part named file"))
    if issues:
        return invalid(issues)
    filename, data = files[0]
    return {"fields": fields, "file": {"name": filename, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}}


# --- mixed -------------------------------------------------------------------

POST_QUERY = rules.plan(PostQuery)


@app.post("/api/v1/users/{id}/posts")
async def create_post(
    body: Any = None,
    id: str = Path(),
    publish: Raw = ALL,
    content_type: str = Header(default=""),
    content_length: str = Header(default=""),
) -> Any:
    # A route with path and query parameters gets no `Request`: Spikard hands over the JSON body
    # decoded (msgspec, into builtins), or the raw bytes when it is not valid JSON.
    if content_type.split(";", 1)[0].strip().lower() != "application/json":
        return error(415, "expected application/json")
    if content_length.isdigit() and int(content_length) > rules.JSON_LIMIT:
        return error(413, f"body over {rules.JSON_LIMIT} bytes")
    if body is None or isinstance(body, bytes):
        return error(400, "malformed JSON")
    issues: list[dict[str, Any]] = []
    user_id = rules.digits(id, "id", issues, low=1)
    query, query_issues = rules.bind(PostQuery, POST_QUERY, {"publish": publish})
    issues += query_issues
    post, body_issues = rules.convert_json(body, NewPost)
    issues += body_issues
    if issues:
        return invalid(issues)
    echo = {"user_id": user_id, "published": query.publish, "title": post.title, "body": post.body, "tags": post.tags}
    return Response(content=echo, status_code=201)


# --- stress --------------------------------------------------------------------


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


def in_range(value: str, name: str, low: int, high: int, issues: list[dict[str, Any]]) -> int:
    try:
        n = rules.to_int(value)
    except ValueError as exc:
        issues.append(issue(name, str(exc)))
        return 0
    if not low <= n <= high:
        issues.append(issue(name, f"expected {low}..{high}"))
    return n


@app.get("/stress/cpu/{n}")
def stress_cpu(n: str = Path()) -> Any:
    # A plain `def`: Spikard runs sync handlers on Tokio's blocking pool, not on its handler
    # event loop, so async handlers keep being served (between GIL switches) meanwhile.
    issues: list[dict[str, Any]] = []
    value = in_range(n, "n", 1, 1_000_000, issues)
    return invalid(issues) if issues else {"n": value, "primes": count_primes(value)}


@app.get("/stress/memory/{mb}")
def stress_memory(mb: str = Path()) -> Any:
    issues: list[dict[str, Any]] = []
    value = in_range(mb, "mb", 1, 256, issues)
    if issues:
        return invalid(issues)
    buffer = bytearray(value << 20)
    pages = 0
    for offset in range(0, len(buffer), 4096):
        buffer[offset] = 1
        pages += 1
    del buffer
    return {"mb": value, "pages": pages}


# --- db ------------------------------------------------------------------------

ITEMS, RECIPES = rules.plan(ItemsQuery), rules.plan(RecipesQuery)


@app.get("/db/items")
async def list_items(limit: Raw = ALL, offset: Raw = ALL) -> Any:
    params, issues = rules.bind(ItemsQuery, ITEMS, {"limit": limit, "offset": offset})
    if issues:
        return invalid(issues)
    return await answer(lambda db: records.list_items(db, params.limit, params.offset))


@app.get("/db/items/{id}")
async def get_item(id: str = Path()) -> Any:
    issues: list[dict[str, Any]] = []
    item_id = rules.digits(id, "id", issues, low=1)
    if issues:
        return invalid(issues)
    return await answer(lambda db: records.item(db, item_id), missing=f"no item {item_id}")


@app.post("/db/items")
async def create_item(request: Request) -> Any:
    raw = rules.read_body(request, "application/json", rules.JSON_LIMIT)
    if isinstance(raw, Response):
        return raw
    item, failure = rules.decode_json(raw, NewItem)
    if failure is not None:
        return failure
    if not records.has_cents(item.price):
        return invalid([issue("price", "expected at most two decimal places")])
    return await answer(
        lambda db: records.create_item(db, item.name, item.description, item.price, item.stock), status=201
    )


@app.get("/db/random")
async def db_random() -> Any:
    return await answer(records.random_world)


@app.get("/db/queries")
async def db_queries(n: Raw = ALL) -> Any:
    # n reads of the one statement, issued concurrently over the pool (records.random_worlds).
    count = records.queries_count(n)
    return await answer(lambda db: records.random_worlds(db, count))


@app.get("/api/v1/recipes")
async def recipes(limit: Raw = ALL) -> Any:
    params, issues = rules.bind(RecipesQuery, RECIPES, {"limit": limit})
    if issues:
        return invalid(issues)
    return await answer(lambda db: records.recipes(db, params.limit))


# --- anything else -------------------------------------------------------------


async def not_found(request: Request) -> Response:
    return error(404, f"no route for {request.method} {request.path}")


for method in ("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"):
    app.register_route(method, "/{*rest}", not_found)


def main() -> None:
    config = ServerConfig(
        host=os.environ.get("HOST", "127.0.0.1"),
        port=int(os.environ.get("PORT", "3000")),
        # Tokio worker threads, one per server core (WORKERS, checked by serve.sh); 1 as the seed ran it.
        workers=int(os.environ.get("WORKERS") or "1"),
        enable_request_id=False,  # no x-request-id UUID per response (the other targets add none)
        compression=None,  # no gzip/brotli layer (the other targets compress nothing)
        max_body_size=rules.UPLOAD_LIMIT,
    )
    # app.run() blocks its thread inside the Rust runtime with no signal handling (0.13.0's
    # serve loop has no graceful-shutdown hook), and Python runs signal handlers only on the main
    # thread: so the server runs on a helper thread and the main thread waits for SIGTERM/SIGINT.
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    server = threading.Thread(target=app.run, kwargs={"config": config}, name="spikard", daemon=True)
    server.start()
    while not stop.wait(0.5):
        if not server.is_alive():
            sys.exit(1)  # the server failed to start (e.g. the port is taken); its error is printed
    # The pool's connections end with a Terminate message rather than a dropped socket.
    backends.close(timeout_s=2)
    sys.stdout.flush()
    sys.stderr.flush()
    # Exit without interpreter finalisation: Spikard's Tokio threads still hold Python objects and
    # panic if the interpreter is torn down under them.
    os._exit(0)


if __name__ == "__main__":
    main()
