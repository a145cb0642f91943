"""Gauntlet's catalogue (docs/contract.md) on FastAPI: the Python baseline.

Served by uvicorn (uvloop, httptools); see serve.sh for the flags.
"""

import asyncio
import hashlib
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, FastAPI, File, Path, Query, Request, UploadFile, WebSocket
from fastapi.exceptions import RequestValidationError
from fastapi.responses import PlainTextResponse, Response, StreamingResponse
from pydantic import BaseModel
from starlette.convertors import Convertor, register_url_convertor
from starlette.datastructures import UploadFile as StarletteUploadFile
from starlette.websockets import WebSocketDisconnect

import errors
from errors import OrjsonResponse
from gauntlet_data import protocol, records, shortener
from gauntlet_data.data import Data, Db
from params import Bool, Date, Digits, Uuid, bind, digits, integer, text
from route import ContractRouting, MiB, StrictRoute, body_route
from schemas import (
    ComplexForm,
    FewQuery,
    Large,
    ManyQuery,
    Medium,
    MediumQuery,
    NewItem,
    NewPost,
    Post,
    Shorten,
    SimpleForm,
    Small,
    Upload,
    UploadedFile,
)
from stopping import Stopping


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    # The one worker process runs this: its asyncpg pool and redis pool, its click flush.
    # A malformed DATABASE_URL / REDIS_URL fails the start here, naming the variable.
    data = await Data.open()
    redirects, flusher = shortener.start(data)
    stopping = Stopping()
    stopping.install()  # SIGTERM/SIGINT end the SSE streams and close the WebSockets at once
    app.state.data, app.state.redirects, app.state.stopping = data, redirects, stopping
    try:
        yield
    finally:
        # The server has stopped accepting and finished its requests: count the last clicks.
        if flusher is not None:
            await flusher.stop()
        await data.close()


app = FastAPI(
    lifespan=lifespan,
    default_response_class=OrjsonResponse,
    redirect_slashes=False,  # `/json/` is an unknown route, not a redirect
    openapi_url=None,  # nothing outside the catalogue is served
    docs_url=None,
    redoc_url=None,
)
app.router.route_class = StrictRoute
app.add_middleware(ContractRouting)
errors.install(app)

json_body = APIRouter(route_class=body_route("application/json", MiB))
form_body = APIRouter(route_class=body_route("application/x-www-form-urlencoded", MiB))
multipart_body = APIRouter(route_class=body_route("multipart/form-data", 5 * MiB))


# --- basic ------------------------------------------------------------------


@app.get("/plaintext")
async def plaintext() -> PlainTextResponse:
    """TechEmpower plaintext; uvicorn adds `Server` and `Date`."""
    return PlainTextResponse(b"Hello, World!")


@app.get("/json")
async def json_serialization() -> OrjsonResponse:
    """TechEmpower json: the object is built and serialised per request."""
    return OrjsonResponse({"message": "Hello, World!"})


@app.get("/health")
async def health(request: Request) -> OrjsonResponse:
    """`SELECT 1` and `PING`, concurrently, each answered within 1 s or down."""
    return OrjsonResponse(await request.app.state.data.health())


@json_body.post("/echo")
async def echo(payload: Annotated[Any, Body()] = None) -> OrjsonResponse:
    """Any JSON value, re-serialised (`null` included, hence the default)."""
    return OrjsonResponse(payload)


# --- json -------------------------------------------------------------------


@json_body.post("/json/small")
async def json_small(body: Small) -> Small:
    return body


@json_body.post("/json/medium")
async def json_medium(body: Medium) -> Medium:
    return body


@json_body.post("/json/large")
async def json_large(body: Large) -> Large:
    return body


# --- path -------------------------------------------------------------------

Segment = Annotated[text(1, 256), Path()]


@app.get("/path/simple/{id}")
async def path_simple(id: Segment) -> dict[str, str]:
    return {"id": id}


@app.get("/path/multiple/{user_id}/{post_id}")
async def path_multiple(user_id: Segment, post_id: Segment) -> dict[str, str]:
    return {"user_id": user_id, "post_id": post_id}


@app.get("/path/deep/{org}/{team}/{project}/{resource}/{id}")
async def path_deep(org: Segment, team: Segment, project: Segment, resource: Segment, id: Segment) -> dict[str, str]:
    return {"org": org, "team": team, "project": project, "resource": resource, "id": id}


@app.get("/path/int/{n}")
async def path_int(n: Annotated[Digits, Path()]) -> dict[str, int]:
    return {"n": n}


@app.get("/path/uuid/{uuid}")
async def path_uuid(uuid: Annotated[Uuid, Path()]) -> dict[str, str]:
    return {"uuid": uuid}


@app.get("/path/date/{date}")
async def path_date(date: Annotated[Date, Path()]) -> dict[str, str]:
    return {"date": date}


# --- query ------------------------------------------------------------------


@app.get("/query/few")
async def query_few(query: Annotated[FewQuery, Query()]) -> FewQuery:
    return query


@app.get("/query/medium")
async def query_medium(query: Annotated[MediumQuery, Query()]) -> MediumQuery:
    return query


@app.get("/query/many")
async def query_many(query: Annotated[ManyQuery, Query()]) -> ManyQuery:
    return query


# --- form -------------------------------------------------------------------


def form_of(model: type[BaseModel]) -> Any:
    """A dependency binding `model` from an urlencoded body, by the query-string rules."""

    async def parse(request: Request) -> BaseModel:
        return bind(model, await request.form(), "form")

    return Depends(parse)


@form_body.post("/form/simple")
async def form_simple(form: Annotated[SimpleForm, form_of(SimpleForm)]) -> SimpleForm:
    return form


@form_body.post("/form/complex")
async def form_complex(form: Annotated[ComplexForm, form_of(ComplexForm)]) -> ComplexForm:
    return form


# --- multipart --------------------------------------------------------------


def _issue(name: str, message: str) -> dict[str, Any]:
    return {"type": "value_error", "loc": ("form", name), "msg": message, "input": None}


async def _as_text(value: str | StarletteUploadFile) -> str:
    # Starlette's class: fastapi.UploadFile is a subclass that the parsed form does not use.
    return (await value.read()).decode("utf-8", "replace") if isinstance(value, StarletteUploadFile) else value


@multipart_body.post("/upload")
async def upload(request: Request, file: Annotated[UploadFile, File()]) -> Upload:
    """The part `file` (with a filename) is hashed; every other part is echoed as text."""
    form = await request.form()  # already parsed for `file`; Starlette caches it
    counts = Counter(name for name, _ in form.multi_items())
    issues = [_issue(name, "given more than once") for name, n in counts.items() if n > 1]
    if not file.filename:
        issues.append(_issue("file", "the file part needs a filename"))
    if issues:
        raise RequestValidationError(issues)
    fields = {name: await _as_text(value) for name, value in form.multi_items() if name != "file"}

    digest, size = hashlib.sha256(), 0
    while chunk := await file.read(64 * 1024):
        digest.update(chunk)
        size += len(chunk)
    return Upload(fields=fields, file=UploadedFile(name=file.filename, size=size, sha256=digest.hexdigest()))


# --- mixed ------------------------------------------------------------------


@json_body.post("/api/v1/users/{id}/posts", status_code=201)
async def create_post(
    id: Annotated[integer(1), Path()],
    post: NewPost,
    publish: Annotated[Bool, Query()] = False,
) -> Post:
    """Path, query and body are validated together; FastAPI reports all their issues at once."""
    return Post(user_id=id, published=publish, title=post.title, body=post.body, tags=post.tags)


# --- sse --------------------------------------------------------------------

SSE_CHECKPOINT_EVERY = 64  # events; a checkpoint per event would double the cost


async def event_stream(total: int, interval_ms: int, stopping: Stopping) -> AsyncIterator[bytes]:
    # Starlette cancels this generator when the client disconnects (it listens for
    # `http.disconnect` while streaming); the cancellation lands at the next await that
    # suspends. After a disconnect uvicorn's `send` returns without suspending, so with
    # no interval a periodic checkpoint bounds the work done for a departed client.
    # A server stop ends the stream at the next pause or checkpoint.
    for seq in range(1, total + 1):
        if interval_ms and seq > 1:
            await stopping.pause(interval_ms / 1000)
            if stopping.is_set():
                return
        elif seq % SSE_CHECKPOINT_EVERY == 0:
            await asyncio.sleep(0)
            if stopping.is_set():
                return
        yield b'id: %d\ndata: {"seq":%d,"total":%d}\n\n' % (seq, seq, total)


@app.get("/sse")
async def sse(
    request: Request,
    events: Annotated[integer(1, 100_000), Query()] = 10,
    interval_ms: Annotated[integer(0, 10_000), Query()] = 0,
) -> StreamingResponse:
    # The content type is given as a header so that Starlette does not append a charset.
    headers = {"content-type": "text/event-stream", "cache-control": "no-cache"}
    return StreamingResponse(event_stream(events, interval_ms, request.app.state.stopping), headers=headers)


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


@app.websocket("/ws")
async def ws_echo(websocket: WebSocket) -> None:
    """Echo with the same opcode; a message over 1 MiB closes the socket with 1009.

    The limit is checked here, the same code under uvicorn and Granian (Granian has no
    message-size setting). The server has read the whole message by then, so the client has
    finished sending it and receives the close frame: a server refusing the message from its
    frame header while the client is still sending closes into a reset (the client sees 1006).
    After the close frame, both servers keep reading until the client's close reply.
    A server stop closes the socket with 1001 (stopping.py).
    """
    stopping: Stopping = websocket.app.state.stopping
    await websocket.accept()
    stopping.sockets.add(websocket)
    try:
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect" or stopping.is_set():
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
    finally:
        stopping.sockets.discard(websocket)


# --- stress -----------------------------------------------------------------


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


@app.get("/stress/cpu/{n}")
def stress_cpu(n: Annotated[integer(1, 1_000_000), Path()]) -> dict[str, int]:
    # A plain `def`: FastAPI runs it in its thread pool, so the event loop keeps serving
    # other requests (between GIL switches) instead of stalling for seconds.
    return {"n": n, "primes": count_primes(n)}


@app.get("/stress/memory/{mb}")
def stress_memory(mb: Annotated[integer(1, 256), Path()]) -> dict[str, int]:
    buffer = bytearray(mb << 20)
    pages = 0
    for offset in range(0, len(buffer), 4096):
        buffer[offset] = 1
        pages += 1
    del buffer
    return {"mb": mb, "pages": pages}


# --- shortener --------------------------------------------------------------


def db_of(request: Request) -> Db:
    """The Postgres pool, or 503 when this server runs without DATABASE_URL."""
    return request.app.state.data.require_db()


@json_body.post("/api/shorten", status_code=201)
async def shorten(request: Request, body: Shorten) -> OrjsonResponse:
    code = await shortener.create(db_of(request), body.url)
    if code is None:
        return errors.error(500, f"no free code in {shortener.MAX_ATTEMPTS} attempts")
    host = request.headers.get("host") or "{}:{}".format(*request.scope["server"])
    return OrjsonResponse({"code": code, "short_url": f"http://{host}/{code}"}, status_code=201)


@app.get("/api/stats/{code}")
async def click_stats(request: Request, code: Annotated[str, Path()]) -> OrjsonResponse:
    """Postgres only, never the cache."""
    if not protocol.CODE.fullmatch(code):
        return errors.error(404, f"no short code {code!r}")
    row = await shortener.stats(db_of(request), code)
    if row is None:
        return errors.error(404, f"no short code {code!r}")
    return OrjsonResponse(row)


# --- db ---------------------------------------------------------------------


@app.get("/db/items")
async def list_items(
    request: Request,
    limit: Annotated[integer(1, 100), Query()] = 20,
    offset: Annotated[integer(0, 100_000), Query()] = 0,
) -> OrjsonResponse:
    return OrjsonResponse(await records.list_items(db_of(request), limit, offset))


@app.get("/db/items/{id}")
async def get_item(request: Request, id: Annotated[digits(1), Path()]) -> OrjsonResponse:
    item = await records.item(db_of(request), id)
    if item is None:
        return errors.error(404, f"no item {id}")
    return OrjsonResponse(item)


@json_body.post("/db/items", status_code=201)
async def create_item(request: Request, item: NewItem) -> OrjsonResponse:
    row = await records.create_item(db_of(request), item.name, item.description, item.price, item.stock)
    return OrjsonResponse(row, status_code=201)


@app.get("/db/random")
async def db_random(request: Request) -> OrjsonResponse:
    return OrjsonResponse(await records.random_world(db_of(request)))


@app.get("/db/queries")
async def db_queries(request: Request) -> OrjsonResponse:
    # n reads of the one statement, issued concurrently over the pool (records.random_worlds).
    n = records.queries_count(request.query_params.getlist("n"))
    return OrjsonResponse(await records.random_worlds(db_of(request), n))


@app.get("/api/v1/recipes")
async def recipes(request: Request, limit: Annotated[integer(1, 50), Query()] = 10) -> OrjsonResponse:
    return OrjsonResponse(await records.recipes(db_of(request), limit))


app.include_router(json_body)
app.include_router(form_body)
app.include_router(multipart_body)


# --- shortener: GET /{code}, after every other route -------------------------


class CodeConvertor(Convertor[str]):
    """A short code: exactly 7 base62 characters (anything else is an unknown route)."""

    regex = "[0-9A-Za-z]{7}"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("code", CodeConvertor())


@app.get("/{code:code}")
async def redirect(request: Request, code: str) -> Response:
    """Cache-aside with a stampede lock, then the click; 302 with the URL as stored."""
    redirects: shortener.Redirects | None = request.app.state.redirects
    if redirects is None:
        return errors.error(503, "this server runs without a database (DATABASE_URL is not set)")
    url = await redirects.resolve(code)
    if url is None:
        return errors.error(404, f"no short code {code!r}")
    await redirects.count(code)
    # Not RedirectResponse: it would percent-quote the URL; the contract sends it back as is.
    return Response(status_code=302, headers={"location": url})
