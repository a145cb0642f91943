"""Where FastAPI's request handling differs from the contract, and the overrides.

- Path segments: Starlette routes on the already-decoded path, so `%2F` would split a
  segment. `ContractRouting` routes on the path as sent instead, and the `str` convertor
  percent-decodes each matched segment.
- Query strings: a scalar given twice must be an error, not "the last one wins"
  (`StrictRequest`, see params.StrictQueryParams).
- HEAD: FastAPI routes only declared methods; `ContractRouting` answers HEAD wherever GET is served.
- Bodies: FastAPI parses JSON only under a JSON media type and otherwise validates the
  raw bytes (a 422, never a 415); its own `max_body_size` answers a plain-text 413 that
  would also replace a 415. `body_route` checks, in the contract's order, the media type
  (415), then the size, by `Content-Length` and while streaming (413), before any parsing;
  the rest of a refused body is read and dropped (`discard_body`).
"""

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import unquote

import orjson
from fastapi import HTTPException, Request, Response
from fastapi.routing import APIRoute
from starlette.convertors import StringConvertor, register_url_convertor
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from params import StrictQueryParams

MiB = 1 << 20

Handler = Callable[[Request], Coroutine[Any, Any, Response]]


class _HeadDone(Exception):
    """Stops a streaming response to HEAD once its headers are out."""


class ContractRouting:
    """Pure ASGI middleware (one layer for both, so a GET pays one check for HEAD):

    - Routes on `raw_path` (still percent-encoded), so that `%2F` stays inside its segment.
    - HEAD is GET without the body (RFC 9110 §9.3.2). FastAPI routes a method only where a
      route declares it, so HEAD would be a 404 on every GET route. A HEAD request is routed as
      GET and its body replaced by an empty one, the headers (`Content-Length` included) kept;
      the server knows the request was HEAD and sends no body either. A streaming response
      (SSE) is stopped after its headers rather than left to run its course unseen.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.app(scope, receive, send)
            return
        raw_path = scope.get("raw_path")
        if raw_path:
            scope["path"] = raw_path.decode("utf-8", "replace")
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return
        finished = False

        async def send_head(message: Message) -> None:
            nonlocal finished
            if message["type"] != "http.response.body":
                await send(message)
                return
            if not finished:
                finished = True
                await send({"type": "http.response.body", "body": b"", "more_body": False})
            if message.get("more_body", False):
                raise _HeadDone

        try:
            await self.app({**scope, "method": "GET"}, receive, send_head)
        except _HeadDone:
            pass


class SegmentConvertor(StringConvertor):
    """One path segment, percent-decoded as UTF-8 (`%2F` is a `/` inside it)."""

    def convert(self, value: str) -> str:
        return unquote(value) if "%" in value else value


# Replaces Starlette's default `{name}` convertor; must run before any route is declared.
register_url_convertor("str", SegmentConvertor())


class StrictRequest(Request):
    @property
    def query_params(self) -> StrictQueryParams:
        if not hasattr(self, "_query_params"):
            self._query_params = StrictQueryParams(self.scope["query_string"])
        return self._query_params

    async def json(self) -> Any:
        # orjson is strict RFC 8259 (no NaN/Infinity); its JSONDecodeError subclasses
        # json.JSONDecodeError, which FastAPI turns into a `json_invalid` error.
        if not hasattr(self, "_json"):
            self._json = orjson.loads(await self.body())
        return self._json


class StrictRoute(APIRoute):
    def get_route_handler(self) -> Handler:
        handler = super().get_route_handler()

        async def strict_handler(request: Request) -> Response:
            return await handler(StrictRequest(request.scope, request.receive))

        return strict_handler


def media_type_of(request: Request) -> str:
    return request.headers.get("content-type", "").split(";", 1)[0].strip().lower()


class LimitedBody:
    """Wraps `receive`: fails with 413 as soon as the body passes `max_bytes`."""

    def __init__(self, receive: Receive, max_bytes: int) -> None:
        self._receive = receive
        self.max_bytes = max_bytes
        self.received = 0
        self.complete = False

    async def receive(self) -> Message:
        message = await self._receive()
        if message["type"] == "http.request":
            self.received += len(message.get("body", b""))
            self.complete = not message.get("more_body", False)
            if self.received > self.max_bytes:
                raise HTTPException(413, f"body over {self.max_bytes} bytes")
        else:
            self.complete = True  # disconnected
        return message

    async def drain(self) -> None:
        """Reads (and drops) the rest of the body: 413 if it is over the limit."""
        while not self.complete:
            await self.receive()


DISCARD_AT_MOST = 64 * MiB
DISCARD_FOR_S = 5.0


async def discard_body(request: Request) -> None:
    """Reads and drops the body of a request refused unread (415, or 413 by `Content-Length`),
    at most 64 MiB or 5 s, so that a client still sending it receives the response instead of
    a reset (under Granian such a client saw its connection reset before the response).
    Not for a client waiting for `100 Continue`: it sends nothing unless asked.
    """
    if request.headers.get("expect", "").lower() == "100-continue":
        return
    received = 0
    try:
        async with asyncio.timeout(DISCARD_FOR_S):
            while received <= DISCARD_AT_MOST:
                message = await request.receive()
                if message["type"] != "http.request" or not message.get("more_body", False):
                    return
                received += len(message.get("body", b""))
    except TimeoutError:
        pass


def body_route(media_type: str, max_bytes: int) -> type[APIRoute]:
    """A route class for endpoints taking one media type, up to `max_bytes`."""

    class BodyRoute(StrictRoute):
        def get_route_handler(self) -> Handler:
            # FastAPI's own handler: this one makes the StrictRequest, over the limited body.
            handler = APIRoute.get_route_handler(self)

            async def body_handler(request: Request) -> Response:
                if media_type_of(request) != media_type:
                    await discard_body(request)
                    raise HTTPException(415, f"expected {media_type}")
                length = request.headers.get("content-length")
                if length is not None and int(length) > max_bytes:
                    await discard_body(request)
                    raise HTTPException(413, f"body over {max_bytes} bytes")
                body = LimitedBody(request.receive, max_bytes)
                limited = StrictRequest(request.scope, body.receive)
                try:
                    try:
                        if media_type == "application/json" and not await limited.body():
                            raise HTTPException(400, "empty body")
                        return await handler(limited)
                    except StarletteHTTPException as exc:
                        # A multipart parser fails at the first bad byte; size is checked before
                        # syntax, so a malformed body that is also too large is a 413.
                        if exc.status_code == 400:
                            await body.drain()
                        raise
                except StarletteHTTPException as exc:
                    if exc.status_code == 413 and not body.complete:
                        await discard_body(request)  # the rest of a body refused while streaming
                    raise

            return body_handler

    BodyRoute.__name__ = BodyRoute.__qualname__ = f"BodyRoute[{media_type}, {max_bytes}]"
    return BodyRoute
