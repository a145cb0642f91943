"""Gauntlet's catalogue (docs/contract.md) on Robyn: families basic, json, path, query, form,
mixed, stress and db (see README.md for the others).

Run by serve.sh as `python app.py` (no arguments: Robyn parses the process's argv): WORKERS
processes (one per server core; serve.sh checks it), one actix worker thread each, log level WARN,
no dev mode, no OpenAPI routes.
"""

import logging
import os
import signal
import socket
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import orjson
from pydantic import BaseModel, TypeAdapter, ValidationError
from robyn import Headers, Request, Response, Robyn, SSEResponse, WebSocketAdapter, WebSocketDisconnect
from robyn.argument_parser import Config

from errors import JSON_HEADERS, ApiError, invalid, issues_of
from gauntlet_data import records
from gauntlet_data.data import Data, DataUnavailable
from params import Date, Uuid, bind, body_of, collect, digits, form, integer, query, segments
from schemas import (
    ComplexForm,
    DeepPath,
    FewQuery,
    ItemId,
    ItemsQuery,
    Large,
    ManyQuery,
    Medium,
    MediumQuery,
    MultiplePath,
    NewItem,
    NewPost,
    Post,
    PostPath,
    PostQuery,
    RecipesQuery,
    SimpleForm,
    SimplePath,
    Small,
    SseQuery,
)

log = logging.getLogger("gauntlet")

config = Config()  # parses sys.argv, which serve.sh leaves empty; every setting is fixed here
# One process per server core (with 1, Robyn serves in this process; with more, this one binds the
# socket and forks the processes that accept on it) ...
config.processes = int(os.environ.get("WORKERS") or "1")
config.workers = 1  # ... each with one actix worker thread (handlers hold the GIL: more threads would queue)
config.dev = False  # no reloader
config.fast = False
config.log_level = "WARN"  # Robyn's production level: no per-request logging
config.disable_openapi = True  # no /docs or /openapi.json: nothing outside the catalogue is served
config.open_browser = False

app = Robyn(__file__, config=config)

# TechEmpower's plaintext and json tests require `Server`; actix adds `Date` and `Content-Length`.
app.set_response_header("Server", "Robyn")

TEXT_HEADERS = Headers({"Content-Type": "text/plain"})


# --- data -------------------------------------------------------------------
# The asyncpg pool lives on the event loop that runs the `async def` handlers: Robyn awaits an async
# startup handler on that loop before the server accepts, and an async shutdown handler on it at the
# stop (processes=1; with more, Robyn's supervisor kills its worker processes, whose connections then
# simply close). Postgres only: this target serves no Redis (no shortener: README).

data = Data(None, None)  # until the startup handler has run: every backend `none`


@app.startup_handler
async def open_data() -> None:
    global data
    data = await Data.open(cache=False)


@app.shutdown_handler
async def close_data() -> None:
    await data.close()


# --- errors -----------------------------------------------------------------
# Declared before any route: Robyn binds the exception handler when a route is added.


@app.exception
def on_error(error: Exception) -> Response:
    if isinstance(error, ApiError):
        return error.response()
    if isinstance(error, DataUnavailable):
        return ApiError(503, error.message).response()
    log.error("unhandled %s: %s", type(error).__name__, error)
    return ApiError(500, "internal error").response()


def get(endpoint: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """`@app.get`, and `@app.head` on the same handler: Robyn serves HEAD only where a route declares
    it (RFC 9110 §9.1: HEAD wherever GET is); actix sends the headers of the GET without the body."""

    def register(handler: Callable[..., Any]) -> Callable[..., Any]:
        app.head(endpoint)(handler)
        return app.get(endpoint)(handler)

    return register


M = TypeVar("M", bound=BaseModel)


def validated(model: type[M], value: Any) -> M:
    """A JSON body validated against `model`; issues at their JSON paths."""
    try:
        return model.model_validate(value)
    except ValidationError as error:
        raise invalid(issues_of(error.errors(include_url=False), text=False)) from None


def json_body(request: Request) -> Any:
    """An `application/json` body (≤ 1 MiB), parsed by orjson (strict RFC 8259: no NaN, no Infinity)."""
    body = body_of(request, "application/json")
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as error:
        raise ApiError(400, f"malformed JSON: {error}") from None


def path_params(model: type[M], request: Request) -> M:
    try:
        return model.model_validate(segments(request))
    except ValidationError as error:
        raise invalid(issues_of(error.errors(include_url=False), text=True)) from None


def path_param(name: str, adapter: TypeAdapter[Any], request: Request) -> Any:
    try:
        return adapter.validate_python(segments(request)[name])
    except ValidationError as error:
        raise invalid([{"path": [name], "message": e["msg"]} for e in error.errors(include_url=False)]) from None


def created(model: BaseModel) -> Response:
    return Response(201, JSON_HEADERS, model.model_dump_json())


def ok(value: Any) -> Response:
    return Response(200, JSON_HEADERS, orjson.dumps(value))


# --- basic ------------------------------------------------------------------


@get("/plaintext")
def plaintext() -> Response:
    """TechEmpower plaintext."""
    return Response(200, TEXT_HEADERS, b"Hello, World!")


@get("/json")
def json_serialization() -> dict[str, str]:
    """TechEmpower json: the dict is built per request and serialised by Robyn (orjson, in Rust's call)."""
    return {"message": "Hello, World!"}


@get("/health")
async def health() -> dict[str, Any]:
    """`SELECT 1` (with DATABASE_URL), answered within 1 s or down; no cache is in use."""
    return await data.health()


@app.post("/echo")
def echo(request: Request) -> Response:
    """Any JSON value, re-serialised."""
    return Response(200, JSON_HEADERS, orjson.dumps(json_body(request)))


# --- json -------------------------------------------------------------------


@app.post("/json/small")
def json_small(request: Request) -> Small:
    return validated(Small, json_body(request))


@app.post("/json/medium")
def json_medium(request: Request) -> Medium:
    return validated(Medium, json_body(request))


@app.post("/json/large")
def json_large(request: Request) -> Large:
    return validated(Large, json_body(request))


# --- path -------------------------------------------------------------------

PATH_INT = TypeAdapter(digits())
PATH_UUID = TypeAdapter(Uuid)
PATH_DATE = TypeAdapter(Date)


@get("/path/simple/:id")
def path_simple(request: Request) -> SimplePath:
    return path_params(SimplePath, request)


@get("/path/multiple/:user_id/:post_id")
def path_multiple(request: Request) -> MultiplePath:
    return path_params(MultiplePath, request)


@get("/path/deep/:org/:team/:project/:resource/:id")
def path_deep(request: Request) -> DeepPath:
    return path_params(DeepPath, request)


@get("/path/int/:n")
def path_int(request: Request) -> dict[str, int]:
    return {"n": path_param("n", PATH_INT, request)}


@get("/path/uuid/:uuid")
def path_uuid(request: Request) -> dict[str, str]:
    return {"uuid": path_param("uuid", PATH_UUID, request)}


@get("/path/date/:date")
def path_date(request: Request) -> dict[str, str]:
    return {"date": path_param("date", PATH_DATE, request)}


# --- query ------------------------------------------------------------------


@get("/query/few")
def query_few(request: Request) -> FewQuery:
    return bind(FewQuery, query(request))


@get("/query/medium")
def query_medium(request: Request) -> MediumQuery:
    return bind(MediumQuery, query(request))


@get("/query/many")
def query_many(request: Request) -> ManyQuery:
    return bind(ManyQuery, query(request))


# --- form -------------------------------------------------------------------


@app.post("/form/simple")
def form_simple(request: Request) -> SimpleForm:
    return bind(SimpleForm, form(request))


@app.post("/form/complex")
def form_complex(request: Request) -> ComplexForm:
    return bind(ComplexForm, form(request))


# --- mixed ------------------------------------------------------------------


@app.post("/api/v1/users/:id/posts")
def create_post(request: Request) -> Response:
    """Path, query and body are validated together, and all their issues reported at once (after the
    body's media type, size and syntax checks)."""
    body = json_body(request)
    path, path_issues = collect(PostPath, {name: [value] for name, value in segments(request).items()})
    params, query_issues = collect(PostQuery, query(request))
    post, body_issues = None, []
    try:
        post = NewPost.model_validate(body)
    except ValidationError as error:
        body_issues = issues_of(error.errors(include_url=False), text=False)
    if path is None or params is None or post is None:
        raise invalid(path_issues + query_issues + body_issues)
    return created(Post(user_id=path.id, published=params.publish, title=post.title, body=post.body, tags=post.tags))


# --- sse --------------------------------------------------------------------


@get("/sse")
def sse(request: Request) -> Response:
    """`SSEResponse` over a generator; Robyn pulls each event on a blocking thread."""
    params = bind(SseQuery, query(request))
    return SSEResponse(event_stream(params.events, params.interval_ms))


def event_stream(total: int, interval_ms: int) -> Iterator[bytes]:
    for seq in range(1, total + 1):
        if interval_ms and seq > 1:
            time.sleep(interval_ms / 1000)
        yield b'id: %d\ndata: {"seq":%d,"total":%d}\n\n' % (seq, seq, total)


# --- ws ---------------------------------------------------------------------


@app.websocket("/ws")
async def ws_echo(websocket: WebSocketAdapter) -> None:
    """Echo with the same opcode: Robyn's channel yields `str` for text frames, `bytes` for binary."""
    try:
        while True:
            message = await websocket._receive()
            if isinstance(message, str):
                await websocket.send_text(message)
            else:
                await websocket.send_bytes(bytes(message))
    except WebSocketDisconnect:
        pass


# --- stress -----------------------------------------------------------------

CPU_N = TypeAdapter(integer(1, 1_000_000))
MEMORY_MB = TypeAdapter(integer(1, 256))


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


@get("/stress/cpu/:n")
def stress_cpu(request: Request) -> dict[str, int]:
    n = path_param("n", CPU_N, request)
    return {"n": n, "primes": count_primes(n)}


@get("/stress/memory/:mb")
def stress_memory(request: Request) -> dict[str, int]:
    mb = path_param("mb", MEMORY_MB, request)
    buffer = bytearray(mb << 20)
    pages = 0
    for offset in range(0, len(buffer), 4096):
        buffer[offset] = 1
        pages += 1
    del buffer
    return {"mb": mb, "pages": pages}


# --- db ---------------------------------------------------------------------
# `async def`: each awaits asyncpg on the event loop, which serves other requests meanwhile.

ITEM_ID = TypeAdapter(ItemId)


@get("/db/items")
async def list_items(request: Request) -> Response:
    params = bind(ItemsQuery, query(request))
    return ok(await records.list_items(data.require_db(), params.limit, params.offset))


@get("/db/items/:id")
async def get_item(request: Request) -> Response:
    item_id = path_param("id", ITEM_ID, request)
    item = await records.item(data.require_db(), item_id)
    if item is None:
        raise ApiError(404, f"no item {item_id}")
    return ok(item)


@app.post("/db/items")
async def create_item(request: Request) -> Response:
    item = validated(NewItem, json_body(request))
    row = await records.create_item(data.require_db(), item.name, item.description, item.price, item.stock)
    return Response(201, JSON_HEADERS, orjson.dumps(row))


@get("/db/random")
async def db_random() -> Response:
    return ok(await records.random_world(data.require_db()))


@get("/db/queries")
async def db_queries(request: Request) -> Response:
    # n reads of the one statement, issued concurrently over the pool (records.random_worlds).
    n = records.queries_count(query(request).get("n", []))
    return ok(await records.random_worlds(data.require_db(), n))


@get("/api/v1/recipes")
async def recipes(request: Request) -> Response:
    params = bind(RecipesQuery, query(request))
    return ok(await records.recipes(data.require_db(), params.limit))


# --- unknown routes ---------------------------------------------------------
# Robyn answers an unmatched route with a plain-text 404 and has no hook to change it; a catch-all
# route per method (tried after every other route: the router prefers static and `:param`
# segments) gives the contract's JSON 404. A known path with another method lands here too.


def not_found(request: Request) -> Response:
    raise ApiError(404, f"no route for {request.method} {request.url.path}")


for method in ("get", "head", "post", "put", "patch", "delete", "options", "connect", "trace"):
    getattr(app, method)("/*path")(not_found)
    getattr(app, method)("/")(not_found)


# --- start ------------------------------------------------------------------


def port_is_free(host: str, port: int) -> bool:
    """Robyn binds with SO_REUSEPORT (so a second server could silently share the port) and, with
    its port check on, asks on stdin for another port; so the port is checked here, once, and a
    taken one ends the start with exit code 1."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # TIME_WAIT is not "in use"
        try:
            probe.bind((host, port))
        except OSError as error:
            print(f"python-robyn: cannot listen on {host}:{port}: {error.strerror}", file=sys.stderr)
            return False
    return True


if __name__ == "__main__":
    host, port = os.environ.get("HOST", "127.0.0.1"), int(os.environ.get("PORT", "3000"))
    if not port_is_free(host, port):
        sys.exit(1)
    # Robyn (processes=1) runs the server in this process and stops, running its shutdown handler and
    # exiting 0, on KeyboardInterrupt; SIGTERM is made the same (by default it would stop only actix's
    # thread and leave the process waiting). With more processes, Robyn's own SIGTERM/SIGINT handler in
    # this (main) process kills its worker processes and returns, and the script exits 0.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    app.start(host=host, port=port, _check_port=False)
