"""Gauntlet's catalogue (docs/contract.md) on Starlette: routes, endpoints, the lifespan.

Plain Starlette: `Route`/`Mount`/`WebSocketRoute` routing, `Request` and Starlette's responses
(JSON rendered by msgspec), msgspec Structs for every input (models.py, bound by params.py),
an asyncpg pool and a redis.asyncio client opened in the lifespan and handed to requests as
lifespan state. Served by uvicorn (uvloop, httptools); see serve.sh for the flags.
"""

import asyncio
import hashlib
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import unquote

from starlette.applications import Starlette
from starlette.convertors import Convertor, register_url_convertor
from starlette.datastructures import UploadFile
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocket, WebSocketDisconnect

import errors
import models as m
from bodies import FORM, JSON, MULTIPART, MiB, accepts
from errors import ApiError, Issue, JSONResponse, invalid
from gauntlet_data import protocol, records, shortener
from gauntlet_data.data import Data, Db
from params import Binder, decode_any, decode_json

# --- routing on the path as sent ----------------------------------------------


class RawPathRouting:
    """Pure ASGI middleware: route on `raw_path` (still percent-encoded), so that `%2F` stays
    inside its segment; the `segment` convertor percent-decodes each matched segment."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        raw_path = scope.get("raw_path")
        if raw_path and scope["type"] != "lifespan":
            scope["path"] = raw_path.decode("utf-8", "replace")
        await self.app(scope, receive, send)


class SegmentConvertor(Convertor[str]):
    """One path segment, percent-decoded as UTF-8 (`%2F` is a `/` inside it)."""

    regex = "[^/]+"

    def convert(self, value: str) -> str:
        return unquote(value) if "%" in value else value

    def to_string(self, value: str) -> str:
        return value


class CodeConvertor(Convertor[str]):
    """A short code: exactly 7 base62 characters (anything else is an unknown route)."""

    regex = "[0-9A-Za-z]{7}"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("segment", SegmentConvertor())
register_url_convertor("code", CodeConvertor())


# --- lifespan -----------------------------------------------------------------


@asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[dict[str, Any]]:
    # A malformed DATABASE_URL / REDIS_URL fails the start here, naming the variable.
    data = await Data.open()
    redirects, flusher = shortener.start(data)
    try:
        yield {"data": data, "redirects": redirects}  # lifespan state: `request.state.data`, ...
    finally:
        # uvicorn has stopped accepting and finished its requests: count the last clicks.
        if flusher is not None:
            await flusher.stop()
        await data.close()


def db_of(request: Request) -> Db:
    """The Postgres pool, or 503 when this server runs without DATABASE_URL."""
    return request.state.data.require_db()


# --- basic ------------------------------------------------------------------


async def plaintext(request: Request) -> Response:
    """TechEmpower plaintext; uvicorn adds `Server` and `Date`."""
    return PlainTextResponse(b"Hello, World!")


async def json_hello(request: Request) -> Response:
    """TechEmpower json: the object is built and serialised per request."""
    return JSONResponse({"message": "Hello, World!"})


async def health(request: Request) -> Response:
    """`SELECT 1` and `PING`, concurrently, each answered within 1 s or down."""
    return JSONResponse(await request.state.data.health())


@accepts(JSON, MiB)
async def echo(request: Request) -> Response:
    """Any JSON value, re-serialised."""
    return JSONResponse(decode_any(await request.body()))


# --- json -------------------------------------------------------------------


def validated_json(model: type[Any]) -> Any:
    """An endpoint answering the body validated as `model`."""

    @accepts(JSON, MiB)
    async def endpoint(request: Request) -> Response:
        return JSONResponse(decode_json(await request.body(), model))

    endpoint.__name__ = f"json_{model.__name__.lower()}"
    return endpoint


# --- path -------------------------------------------------------------------

SIMPLE_PATH = Binder(m.SimplePath)
MULTIPLE_PATH = Binder(m.MultiplePath)
DEEP_PATH = Binder(m.DeepPath)
INT_PATH = Binder(m.IntPath)
UUID_PATH = Binder(m.UuidPath)
DATE_PATH = Binder(m.DatePath)


async def path_simple(request: Request) -> Response:
    return JSONResponse(SIMPLE_PATH.path(request.path_params))


async def path_multiple(request: Request) -> Response:
    return JSONResponse(MULTIPLE_PATH.path(request.path_params))


async def path_deep(request: Request) -> Response:
    return JSONResponse(DEEP_PATH.path(request.path_params))


async def path_int(request: Request) -> Response:
    return JSONResponse(INT_PATH.path(request.path_params))


async def path_uuid(request: Request) -> Response:
    return JSONResponse({"uuid": UUID_PATH.path(request.path_params).uuid.lower()})


async def path_date(request: Request) -> Response:
    return JSONResponse(DATE_PATH.path(request.path_params))


# --- query ------------------------------------------------------------------


def query_echo(model: type[Any]) -> Any:
    """An endpoint answering the query string bound to `model`, every declared key present."""
    binder = Binder(model)

    async def endpoint(request: Request) -> Response:
        return JSONResponse(binder(request.query_params.getlist))

    endpoint.__name__ = f"query_{model.__name__.lower()}"
    return endpoint


# --- form -------------------------------------------------------------------

MAX_FORM_FIELDS = 1 << 20  # no count limit of its own: the 1 MiB body limit bounds it


def form_echo(model: type[Any]) -> Any:
    """An endpoint answering the urlencoded body bound to `model`, by the query-string rules."""
    binder = Binder(model)

    @accepts(FORM, MiB)
    async def endpoint(request: Request) -> Response:
        form = await request.form(max_fields=MAX_FORM_FIELDS, max_part_size=MiB)
        return JSONResponse(binder(form.getlist))

    endpoint.__name__ = f"form_{model.__name__.lower()}"
    return endpoint


# --- multipart --------------------------------------------------------------


async def _as_text(value: str | UploadFile) -> str:
    return (await value.read()).decode("utf-8", "replace") if isinstance(value, UploadFile) else value


@accepts(MULTIPART, 5 * MiB)
async def upload(request: Request) -> Response:
    """The part `file` (with a filename) is hashed; every other part is echoed as text."""
    async with request.form(max_files=MAX_FORM_FIELDS, max_fields=MAX_FORM_FIELDS, max_part_size=5 * MiB) as form:
        counts = Counter(name for name, _ in form.multi_items())
        issues: list[Issue] = [{"path": [n], "message": "given more than once"} for n, c in counts.items() if c > 1]
        file = form.get("file")
        if not isinstance(file, UploadFile) or not file.filename:
            issues.append({"path": ["file"], "message": "a file part named file, with a filename, is required"})
        if issues:
            raise invalid(issues)
        assert isinstance(file, UploadFile) and file.filename
        fields = {name: await _as_text(value) for name, value in form.multi_items() if name != "file"}
        digest, size = hashlib.sha256(), 0
        while chunk := await file.read(64 * 1024):
            digest.update(chunk)
            size += len(chunk)
    return JSONResponse(m.Upload(fields=fields, file=m.UploadedFile(file.filename, size, digest.hexdigest())))


# --- mixed ------------------------------------------------------------------

POST_PATH = Binder(m.PostPath)
POST_QUERY = Binder(m.PostQuery)


@accepts(JSON, MiB)
async def create_post(request: Request) -> Response:
    """Path, query and body are validated together; the issues of every failing part are reported."""
    body = await request.body()
    decode_any(body)  # syntax (400) comes before every schema check (422)
    issues: list[Issue] = []
    parts: list[Any] = []
    for bind in (
        lambda: POST_PATH.path(request.path_params),
        lambda: POST_QUERY(request.query_params.getlist),
        lambda: decode_json(body, m.NewPost),
    ):
        try:
            parts.append(bind())
        except ApiError as exc:
            issues.extend(exc.issues or [])
    if issues:
        raise invalid(issues)
    path, query, post = parts
    result = m.Post(user_id=path.id, published=query.publish, title=post.title, body=post.body, tags=post.tags)
    return JSONResponse(result, status_code=201)


# --- sse --------------------------------------------------------------------

SSE_QUERY = Binder(m.SseQuery)
SSE_CHECKPOINT_EVERY = 64  # events; a checkpoint per event would double the cost


async def event_stream(total: int, interval_ms: int) -> AsyncIterator[bytes]:
    # Starlette stops this generator when the client disconnects (uvicorn's `send` fails, or
    # Starlette's disconnect listener cancels it); the cancellation lands at the next await
    # that suspends. With no interval, a periodic checkpoint bounds the work done for a
    # departed client.
    for seq in range(1, total + 1):
        if interval_ms and seq > 1:
            await asyncio.sleep(interval_ms / 1000)
        elif seq % SSE_CHECKPOINT_EVERY == 0:
            await asyncio.sleep(0)
        yield b'id: %d\ndata: {"seq":%d,"total":%d}\n\n' % (seq, seq, total)


async def sse(request: Request) -> Response:
    query = SSE_QUERY(request.query_params.getlist)
    # The content type is given as a header so that Starlette does not append a charset.
    headers = {"content-type": "text/event-stream", "cache-control": "no-cache"}
    # HEAD (routed here with GET): the same headers, and no events made for nobody to read.
    events = 0 if request.method == "HEAD" else query.events
    return StreamingResponse(event_stream(events, query.interval_ms), headers=headers)


# --- ws ---------------------------------------------------------------------


WS_MAX_MESSAGE = MiB  # bytes; text is measured in UTF-8 bytes
WS_TOO_LONG = 1009


def ws_too_long(text: str | None, data: bytes | None) -> bool:
    if text is None:
        return len(data or b"") > WS_MAX_MESSAGE
    # A code point is 1 to 4 UTF-8 bytes: encode only when the length alone cannot tell.
    if len(text) > WS_MAX_MESSAGE or 4 * len(text) <= WS_MAX_MESSAGE:
        return len(text) > WS_MAX_MESSAGE
    return len(text.encode()) > WS_MAX_MESSAGE


async def ws_echo(websocket: WebSocket) -> None:
    """Echo with the same opcode; a message over 1 MiB closes the socket with 1009.

    The limit is checked here, once uvicorn has read the whole message: the client has finished
    sending it and receives the close frame (a server refusing the message from its frame header
    while the client is still sending closes into a reset, which the client sees as 1006).
    """
    await websocket.accept()
    try:
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                return
            text, data = message.get("text"), message.get("bytes")
            if ws_too_long(text, data):
                await websocket.close(WS_TOO_LONG, "message over 1 MiB")
                return
            if text is not None:
                await websocket.send_text(text)
            else:
                await websocket.send_bytes(data or b"")
    except (WebSocketDisconnect, OSError):
        pass


# --- stress -----------------------------------------------------------------

CPU_PATH = Binder(m.CpuPath)
MEMORY_PATH = Binder(m.MemoryPath)


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


def stress_cpu(request: Request) -> Response:
    # A plain `def`: Starlette runs it in its thread pool, so the event loop keeps serving
    # other requests (between GIL switches) instead of stalling for seconds.
    n = CPU_PATH.path(request.path_params).n
    return JSONResponse({"n": n, "primes": count_primes(n)})


def stress_memory(request: Request) -> Response:
    mb = MEMORY_PATH.path(request.path_params).mb
    buffer = bytearray(mb << 20)
    pages = 0
    for offset in range(0, len(buffer), 4096):
        buffer[offset] = 1
        pages += 1
    del buffer
    return JSONResponse({"mb": mb, "pages": pages})


# --- shortener --------------------------------------------------------------


@accepts(JSON, MiB)
async def shorten(request: Request) -> Response:
    body = decode_json(await request.body(), m.Shorten)
    code = await shortener.create(db_of(request), protocol.normalise(body.url))
    if code is None:
        return errors.error(500, f"no free code in {shortener.MAX_ATTEMPTS} attempts")
    host = request.headers.get("host") or "{}:{}".format(*request.scope["server"])
    return JSONResponse({"code": code, "short_url": f"http://{host}/{code}"}, status_code=201)


async def click_stats(request: Request) -> Response:
    """Postgres only, never the cache."""
    code = request.path_params["code"]
    if not protocol.CODE.fullmatch(code):
        return errors.error(404, f"no short code {code!r}")
    row = await shortener.stats(db_of(request), code)
    if row is None:
        return errors.error(404, f"no short code {code!r}")
    return JSONResponse(row)


async def redirect(request: Request) -> Response:
    """Cache-aside with a stampede lock, then the click; 302 with the URL as stored."""
    code = request.path_params["code"]
    redirects: shortener.Redirects | None = request.state.redirects
    if redirects is None:
        return errors.error(503, "this server runs without a database (DATABASE_URL is not set)")
    url = await redirects.resolve(code)
    if url is None:
        return errors.error(404, f"no short code {code!r}")
    await redirects.count(code)
    # Not RedirectResponse: it would percent-quote the URL; the contract sends it back as is.
    return Response(status_code=302, headers={"location": url})


# --- db ---------------------------------------------------------------------

ITEMS_QUERY = Binder(m.ItemsQuery)
ITEM_PATH = Binder(m.ItemPath)
RECIPES_QUERY = Binder(m.RecipesQuery)


async def list_items(request: Request) -> Response:
    query = ITEMS_QUERY(request.query_params.getlist)
    return JSONResponse(await records.list_items(db_of(request), query.limit, query.offset))


async def get_item(request: Request) -> Response:
    item_id = ITEM_PATH.path(request.path_params).id
    item = await records.item(db_of(request), item_id)
    if item is None:
        return errors.error(404, f"no item {item_id}")
    return JSONResponse(item)


@accepts(JSON, MiB)
async def create_item(request: Request) -> Response:
    item = decode_json(await request.body(), m.NewItem)
    if not records.has_cents(item.price):
        raise invalid([{"path": ["price"], "message": "expected at most two decimal places"}])
    row = await records.create_item(db_of(request), item.name, item.description, item.price, item.stock)
    return JSONResponse(row, status_code=201)


async def db_random(request: Request) -> Response:
    return JSONResponse(await records.random_world(db_of(request)))


async def db_queries(request: Request) -> Response:
    # n reads of the one statement, issued concurrently over the pool (records.random_worlds).
    n = records.queries_count(request.query_params.getlist("n"))
    return JSONResponse(await records.random_worlds(db_of(request), n))


async def recipes(request: Request) -> Response:
    limit = RECIPES_QUERY(request.query_params.getlist).limit
    return JSONResponse(await records.recipes(db_of(request), limit))


# --- the app ----------------------------------------------------------------

POST = ["POST"]

routes = [
    Route("/plaintext", plaintext),
    Route("/json", json_hello),
    Route("/health", health),
    Route("/echo", echo, methods=POST),
    Mount(
        "/json",
        routes=[
            Route("/small", validated_json(m.Small), methods=POST),
            Route("/medium", validated_json(m.Medium), methods=POST),
            Route("/large", validated_json(m.Large), methods=POST),
        ],
    ),
    Mount(
        "/path",
        routes=[
            Route("/simple/{id:segment}", path_simple),
            Route("/multiple/{user_id:segment}/{post_id:segment}", path_multiple),
            Route(
                "/deep/{org:segment}/{team:segment}/{project:segment}/{resource:segment}/{id:segment}",
                path_deep,
            ),
            Route("/int/{n:segment}", path_int),
            Route("/uuid/{uuid:segment}", path_uuid),
            Route("/date/{date:segment}", path_date),
        ],
    ),
    Mount(
        "/query",
        routes=[
            Route("/few", query_echo(m.FewQuery)),
            Route("/medium", query_echo(m.MediumQuery)),
            Route("/many", query_echo(m.ManyQuery)),
        ],
    ),
    Mount(
        "/form",
        routes=[
            Route("/simple", form_echo(m.SimpleForm), methods=POST),
            Route("/complex", form_echo(m.ComplexForm), methods=POST),
        ],
    ),
    Route("/upload", upload, methods=POST),
    Route("/api/v1/users/{id:segment}/posts", create_post, methods=POST),
    Route("/sse", sse),
    WebSocketRoute("/ws", ws_echo),
    Mount(
        "/stress",
        routes=[
            Route("/cpu/{n:segment}", stress_cpu),
            Route("/memory/{mb:segment}", stress_memory),
        ],
    ),
    Route("/api/shorten", shorten, methods=POST),
    Route("/api/stats/{code:segment}", click_stats),
    Mount(
        "/db",
        routes=[
            Route("/items", list_items),
            Route("/items", create_item, methods=POST),
            Route("/items/{id:segment}", get_item),
            Route("/random", db_random),
            Route("/queries", db_queries),
        ],
    ),
    Route("/api/v1/recipes", recipes),
    # GET /{code}: last, on a convertor that takes exactly 7 base62 characters, so it neither
    # shadows nor is shadowed by another route.
    Route("/{code:code}", redirect),
]

app = Starlette(
    routes=routes,
    middleware=[Middleware(RawPathRouting)],
    exception_handlers=errors.exception_handlers,
    lifespan=lifespan,
)
app.router.redirect_slashes = False  # `/json/` is an unknown route, not a redirect
